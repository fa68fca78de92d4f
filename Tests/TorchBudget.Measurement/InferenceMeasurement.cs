using System.Linq;
using System.Text.Json.Nodes;
using TorchBudget.Tests.Zoo;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchBudget.Measurement;

/// <summary>
/// Measures a zoo model's inference pass as the inference table defines it: <c>model.eval()</c>, then inside
/// <c>torch.NewDisposeScope()</c> and <c>torch.no_grad()</c>, <c>y = model.forward(x)</c>; the second such pass is
/// measured (the first warms oneDNN's primitive caches, which are not tensor memory). Bytes, tensor data only:
/// <list type="bullet">
/// <item>parameters, buffers, input (x only, no labels): Σ numel × element size.</item>
/// <item>modelTracked: tracked delta across building the model (and converting it to the dtype); baseline: tracked
/// live bytes before it; constructionLeftovers: modelTracked − parameters − buffers (tensors the constructor left
/// that nothing holds: no table row counts them).</item>
/// <item>liveBefore: tracked live bytes when the measured forward begins; activationsAfterForward: live right after
/// forward minus liveBefore; peak: the most live during the measured scope minus liveBefore; peakAbsolute: that
/// maximum, absolute; peakOfTableRows: peakAbsolute − baseline − constructionLeftovers (what the table predicts:
/// parameters + buffers + input + what forward adds); leftAfterScope: live after the scope minus liveBefore.</item>
/// </list>
/// </summary>
internal static class InferenceMeasurement
{
    public static JsonObject Run(StepOptions options)
    {
        var type = ZooModels.Find(options.Model);
        var profile = ZooModels.Profile(type);
        var dtype = options.DType is null ? profile.DType : StepOptions.ParseDType(options.DType);
        var batch = options.Batch;

        torch.manual_seed(0);
        var baseline = Tracker.Live;
        var model = ZooModels.Create(type);
        if (dtype != ScalarType.Float32) model = model.to(dtype);
        var modelTracked = Tracker.Live - baseline;
        var parameters = model.parameters().Sum(StepMeasurement.Accounted);
        var buffers = model.buffers().Sum(StepMeasurement.Accounted);

        var inputShape = new[] { batch }.Concat(profile.InputShape).ToArray();
        var x = profile.InputDType is ScalarType.Int64 or ScalarType.Int32
            ? torch.randint(0, 10, inputShape, dtype: profile.InputDType)
            : torch.randn(inputShape, dtype: dtype);

        model.eval();
        using (torch.NewDisposeScope())
        using (torch.no_grad())
        {
            model.forward(x);
        }

        using var log = options.Log is null ? null : System.IO.File.OpenHandle(options.Log, System.IO.FileMode.Create, System.IO.FileAccess.Write);
        var before = Tracker.Live;
        Tracker.ResetPeak();
        if (log is not null) Tracker.LogTo((int)log.DangerousGetHandle());
        Bytes afterForward;
        long[] outputShape;
        using (torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var y = model.forward(x);
            afterForward = Tracker.Live;
            outputShape = y.shape;
        }
        var peak = Tracker.Peak;
        var afterScope = Tracker.Live;
        Tracker.LogTo(-1);

        var leftovers = modelTracked.Tensor - parameters - buffers;
        var json = new JsonObject
        {
            ["model"] = type.Name,
            ["batch"] = batch,
            ["dtype"] = dtype.ToString(),
            ["inputShape"] = new JsonArray(inputShape.Select(d => (JsonNode?)d).ToArray()),
            ["inputDType"] = x.dtype.ToString(),
            ["outputShape"] = new JsonArray(outputShape.Select(d => (JsonNode?)d).ToArray()),
            ["parameters"] = parameters,
            ["buffers"] = buffers,
            ["input"] = StepMeasurement.Accounted(x),
            ["baseline"] = baseline.Tensor,
            ["modelTracked"] = modelTracked.Tensor,
            ["constructionLeftovers"] = leftovers,
            ["liveBefore"] = before.Tensor,
            ["activationsAfterForward"] = (afterForward - before).Tensor,
            ["peak"] = (peak - before).Tensor,
            ["peakAbsolute"] = peak.Tensor,
            ["peakOfTableRows"] = peak.Tensor - baseline.Tensor - leftovers,
            ["leftAfterScope"] = (afterScope - before).Tensor,
        };
        model.Dispose();
        return json;
    }
}

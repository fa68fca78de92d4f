using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using TorchBudget.Tests.Zoo;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchBudget.Measurement;

/// <summary>
/// Measures a zoo model's training step. Definitions (bytes; "tracked" = the allocation tracker's
/// live bytes, "accounted" = Σ numel × element size over the tensors named):
/// <list type="bullet">
/// <item>parameters, trainableParameters, buffers, gradients (Σ over p.grad after the last step),
/// input (x and labels): accounted.</item>
/// <item>modelTracked: tracked delta across building the model (and converting it to the dtype).
/// baseline: tracked live bytes before the model was built.</item>
/// <item>optimizerStateAtConstruction: tracked delta across creating the optimizer.
/// optimizerStateAtFirstStep: tracked delta across the whole first step (scope disposed) minus the
/// gradients it created (SGD momentum buffers, PyTorch-style lazy state). optimizerState: their sum.</item>
/// <item>liveBeforeStep: tracked live bytes (absolute: everything resident, including what the
/// runtime held before the model was built, <c>baseline</c>) when the measured step begins.</item>
/// <item>activationsAfterForward: tracked live bytes right after <c>model.forward(x)</c> minus
/// liveBeforeStep, in the measured (last) step.</item>
/// <item>peak: the most tracked bytes live during the measured step minus liveBeforeStep (what the
/// step adds); peakAbsolute: the same maximum, absolute (liveBeforeStep included).</item>
/// <item>timeline: tracked live bytes after each phase of the measured step minus liveBeforeStep;
/// phasePeaks: the most live during each phase, minus liveBeforeStep.</item>
/// <item>inference: the model in eval() under no_grad, second forward after a warm-up one:
/// activationsAfterForward and peak relative to the live bytes before it, and peakAbsolute.</item>
/// <item>"tracked" means tensor data: the aligned allocations libc10.so makes (c10::alloc_cpu).
/// allAligned repeats the tracked figures counting every aligned allocation, which adds oneDNN's
/// CPU-only primitive bookkeeping (small, from libtorch_cpu.so) and anything else aligned.</item>
/// </list>
/// Steps run inside <c>torch.NewDisposeScope()</c>: forward, the profile's loss, zero_grad, backward, step.
/// The last of <see cref="StepOptions.Steps"/> steps is measured: gradients and optimizer state persist by then.
/// </summary>
internal static class StepMeasurement
{
    public static JsonObject Run(StepOptions options)
    {
        var type = ZooModels.Find(options.Model);
        var profile = ZooModels.Profile(type);
        var dtype = options.DType is null ? profile.DType : StepOptions.ParseDType(options.DType);
        var kind = options.Optimizer is null ? profile.Optimizer : StepOptions.ParseOptimizer(options.Optimizer);
        var batch = options.Batch;

        torch.manual_seed(0);
        var json = new JsonObject
        {
            ["model"] = type.Name,
            ["batch"] = batch,
            ["dtype"] = dtype.ToString(),
            ["optimizer"] = kind.ToString(),
            ["steps"] = options.Steps,
        };

        var baseline = Tracker.Live;
        var model = ZooModels.Create(type);
        if (dtype != ScalarType.Float32) model = model.to(dtype);
        var modelTracked = Tracker.Live - baseline;

        var parameters = model.parameters().ToList();
        json["parameters"] = parameters.Sum(Accounted);
        json["trainableParameters"] = parameters.Where(p => p.requires_grad).Sum(Accounted);
        json["buffers"] = model.buffers().Sum(Accounted);
        json["modelTracked"] = modelTracked.Tensor;
        json["baseline"] = baseline.Tensor;

        var inputShape = new[] { batch }.Concat(profile.InputShape).ToArray();
        var x = profile.InputDType is ScalarType.Int64 or ScalarType.Int32
            ? torch.randint(0, 10, inputShape, dtype: profile.InputDType)
            : torch.randn(inputShape, dtype: dtype);
        json["inputShape"] = ToJson(inputShape);
        json["inputDType"] = x.dtype.ToString();

        // Inference first: it also tells the output shape, which the labels need.
        var (inference, outputShape) = MeasureInference(model, x);
        json["outputShape"] = ToJson(outputShape);

        // The step's loss as the profile names it, with the target it needs (the runtime harness's StepLoss).
        // The zoo names no loss it does not need: the default (null) is cross_entropy for [B, C] only, as the generator reads it.
        var declared = profile.Loss == TorchBudget.LossKind.CrossEntropy ? (TorchBudget.LossKind?)null : profile.Loss;
        var misfit = TorchBudget.Harness.StepLoss.Misfit(declared, outputShape, batch);
        var error = misfit is null ? null : $"{misfit}; the output is [{string.Join(", ", outputShape)}]: measured forward only";
        var labels = error is null ? TorchBudget.Harness.StepLoss.Target(profile.Loss, outputShape, dtype, torch.CPU) : null;
        json["input"] = Accounted(x) + (labels is null ? 0 : Accounted(labels));

        model.train();
        var beforeOptimizer = Tracker.Live;
        using var optimizer = TorchBudget.Harness.OptimizerFactory.Create(kind, parameters);
        var atConstruction = Tracker.Live - beforeOptimizer;

        var before = new Bytes[options.Steps + 1];
        var after = new Bytes[options.Steps + 1];
        Bytes atFirstStep = default;
        Timeline? timeline = null;
        using var log = options.Log is null ? null : File.OpenHandle(options.Log, FileMode.Create, FileAccess.Write);
        for (var step = 1; step <= options.Steps; step++)
        {
            var measured = step == options.Steps;
            before[step] = Tracker.Live;
            if (measured)
            {
                timeline = new Timeline(before[step]);
                if (log is not null) Tracker.LogTo((int)log.DangerousGetHandle());
            }
            using (var scope = torch.NewDisposeScope())
            {
                var y = model.forward(x);
                timeline?.Mark("afterForward");
                if (labels is not null)
                {
                    var loss = TorchBudget.Harness.StepLoss.Compute(profile.Loss, y, labels);
                    timeline?.Mark("afterLoss");
                    if (optimizer is null) model.zero_grad(); else optimizer.zero_grad();
                    timeline?.Mark("afterZeroGrad");
                    loss.backward();
                    timeline?.Mark("afterBackward");
                    optimizer?.step();
                    timeline?.Mark("afterStep");
                }
            }
            after[step] = Tracker.Live;
            if (measured)
            {
                timeline!.Mark("afterScope");
                Tracker.LogTo(-1);
            }
            if (step == 1)
            {
                var created = GradientBytes(parameters);
                atFirstStep = after[1] - before[1] - new Bytes(created, created);
            }
        }

        var gradients = GradientBytes(parameters);
        var optimizerState = atConstruction + atFirstStep;
        var last = options.Steps;
        var liveBeforeStep = before[last];
        var peak = timeline!.Peak;

        // The main figures count tensor data (allocations made by libc10.so); allAligned repeats them
        // counting every aligned allocation, which adds oneDNN's CPU-only bookkeeping.
        json["gradients"] = gradients;
        json["optimizerStateAtConstruction"] = atConstruction.Tensor;
        json["optimizerStateAtFirstStep"] = atFirstStep.Tensor;
        json["optimizerState"] = optimizerState.Tensor;
        json["liveBeforeStep"] = liveBeforeStep.Tensor;
        json["activationsAfterForward"] = timeline.Live("afterForward").Tensor;
        json["peak"] = (peak - liveBeforeStep).Tensor;
        json["peakAbsolute"] = peak.Tensor;
        json["leftAfterStep"] = (after[last] - liveBeforeStep).Tensor;
        json["steadyStateDrift"] = (liveBeforeStep - before[last - 1]).Tensor;
        // What stays between steps that none of the named parts explains (0 when the books balance).
        json["residentUnexplained"] = (liveBeforeStep - baseline - modelTracked).Tensor
            - (long)json["input"]! - gradients - optimizerState.Tensor;
        json["error"] = error;
        json["timeline"] = timeline.LiveJson(t => t.Tensor);
        json["phasePeaks"] = timeline.PeaksJson(t => t.Tensor);
        json["inference"] = InferenceJson(inference, t => t.Tensor);
        json["allAligned"] = new JsonObject
        {
            ["baseline"] = baseline.All,
            ["modelTracked"] = modelTracked.All,
            ["optimizerStateAtConstruction"] = atConstruction.All,
            ["optimizerStateAtFirstStep"] = atFirstStep.All,
            ["liveBeforeStep"] = liveBeforeStep.All,
            ["activationsAfterForward"] = timeline.Live("afterForward").All,
            ["peak"] = (peak - liveBeforeStep).All,
            ["peakAbsolute"] = peak.All,
            ["timeline"] = timeline.LiveJson(t => t.All),
            ["phasePeaks"] = timeline.PeaksJson(t => t.All),
            ["inference"] = InferenceJson(inference, t => t.All),
        };

        model.Dispose();
        return json;
    }

    private sealed record Inference(Bytes Before, Bytes AfterForward, Bytes Peak, Bytes AfterScope);

    private static JsonObject InferenceJson(Inference inference, Func<Bytes, long> pick) => new()
    {
        ["liveBefore"] = pick(inference.Before),
        ["activationsAfterForward"] = pick(inference.AfterForward - inference.Before),
        ["peak"] = pick(inference.Peak - inference.Before),
        ["peakAbsolute"] = pick(inference.Peak),
        ["leftAfterScope"] = pick(inference.AfterScope - inference.Before),
    };

    private static (Inference, long[] OutputShape) MeasureInference(nn.Module<Tensor, Tensor> model, Tensor x)
    {
        model.eval();
        using var noGrad = torch.no_grad();
        using (torch.NewDisposeScope()) model.forward(x);

        var before = Tracker.Live;
        Tracker.ResetPeak();
        Bytes afterForward;
        long[] shape;
        using (torch.NewDisposeScope())
        {
            var y = model.forward(x);
            afterForward = Tracker.Live;
            shape = y.shape;
        }
        var peak = Tracker.Peak;
        return (new Inference(before, afterForward, peak, Tracker.Live), shape);
    }

    /// <summary>Σ numel × element size over the gradients the parameters hold now.</summary>
    private static long GradientBytes(IEnumerable<Parameter> parameters)
    {
        using var scope = torch.NewDisposeScope(); // the .grad wrappers, not the gradients
        return parameters.Sum(p => p.grad is { } g ? Accounted(g) : 0);
    }

    public static long Accounted(Tensor t) => t.numel() * t.ElementSize;

    private static JsonArray ToJson(long[] shape) => new(shape.Select(d => (JsonNode?)d).ToArray());

    /// <summary>Live bytes after each phase, and the most live during it, from one start.</summary>
    private sealed class Timeline
    {
        private readonly Bytes start;
        private readonly List<(string Name, Bytes Live, Bytes Peak)> marks = new();

        public Timeline(Bytes start)
        {
            this.start = start;
            Tracker.ResetPeak();
        }

        public Bytes Peak { get; private set; }

        public void Mark(string name)
        {
            var live = Tracker.Live;
            var peak = Tracker.Peak;
            Tracker.ResetPeak();
            marks.Add((name, live, peak));
            Peak = marks.Count == 1 ? peak : Bytes.Max(Peak, peak);
        }

        public Bytes Live(string name) => marks.Single(m => m.Name == name).Live - start;

        public JsonObject LiveJson(Func<Bytes, long> pick) =>
            new(marks.Select(m => KeyValuePair.Create(m.Name, (JsonNode?)pick(m.Live - start))));

        /// <summary>Each phase's peak, named by the mark that ends it.</summary>
        public JsonObject PeaksJson(Func<Bytes, long> pick) =>
            new(marks.Select(m => KeyValuePair.Create(PhaseName(m.Name), (JsonNode?)pick(m.Peak - start))));

        private static string PhaseName(string mark) => mark switch
        {
            "afterForward" => "forward",
            "afterLoss" => "loss",
            "afterZeroGrad" => "zeroGrad",
            "afterBackward" => "backward",
            "afterStep" => "step",
            "afterScope" => "scopeDispose",
            _ => mark,
        };
    }
}

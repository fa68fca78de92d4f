using System.Linq;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Measurement;

/// <summary>
/// Facts the tracker must reproduce, independent of any model prediction: a fresh tensor's size,
/// what a Sequential keeps after forward, what Adam allocates when it is created.
/// Each figure is the tracked delta (all aligned allocations; "...Tensor" = tensor data only).
/// </summary>
internal static class Probes
{
    public static JsonObject Run()
    {
        manual_seed(0);
        var json = new JsonObject();

        // torch.zeros(1000): 4,000 bytes of float32, gone again after Dispose.
        var before = Tracker.Live;
        var zeros = torch.zeros(1000);
        var withZeros = Tracker.Live - before;
        zeros.Dispose();
        json["zeros1000"] = withZeros.All;
        json["zeros1000Tensor"] = withZeros.Tensor;
        json["zeros1000AfterDispose"] = (Tracker.Live - before).All;

        before = Tracker.Live;
        using (var doubles = torch.zeros(1000, dtype: ScalarType.Float64))
            json["zeros1000Float64"] = (Tracker.Live - before).All;

        // Sequential(Flatten, Linear(784,128), ReLU, Linear(128,10)) at batch 64: what stays after forward.
        using var mlp = Sequential(Flatten(), Linear(784, 128), ReLU(), Linear(128, 10));
        using var x = randn(64, 1, 28, 28);
        json["sequentialMlpFirstForward"] = AfterForward(mlp, x);
        json["sequentialMlpAfterForward"] = AfterForward(mlp, x);

        // Adam allocates exp_avg and exp_avg_sq for every parameter when it is created.
        var parameterBytes = mlp.parameters().Sum(StepMeasurement.Accounted);
        before = Tracker.Live;
        using (var adam = torch.optim.Adam(mlp.parameters()))
            json["adamConstruction"] = (Tracker.Live - before).All;
        json["adamParameterBytes"] = parameterBytes;
        return json;
    }

    private static long AfterForward(Module<Tensor, Tensor> module, Tensor x)
    {
        var before = Tracker.Live;
        using var scope = NewDisposeScope();
        module.forward(x);
        return (Tracker.Live - before).All;
    }
}

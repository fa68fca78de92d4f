using System;
using System.Linq;
using TorchSharp;

namespace TorchBudget;

public sealed partial class MemoryReport
{
    /// <summary>
    /// One device's table when training runs on <paramref name="devices"/> devices with <paramref name="strategy"/>
    /// (data parallelism, or ZeRO stage 1, 2 or 3), computed from this report's rows by the formulas in
    /// docs/multi-device.md.
    /// </summary>
    /// <exception cref="InvalidOperationException">A row is unknown, or (ZeRO-3) a layer's parameter count is.</exception>
    public DevicePlan PerDevice(int devices, Sharding strategy)
    {
        if (devices <= 0) throw new ArgumentOutOfRangeException(nameof(devices), devices, "At least one device.");
        if (!Enum.IsDefined(typeof(Sharding), strategy))
            throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "Unknown sharding strategy.");
        ForBatch(1); // throws when the table is incomplete
        return new DevicePlan(this, Memory!, devices, strategy, strategy == Sharding.ZeroStage3 ? LargestLayerBytes() : 0);
    }

    /// <summary>
    /// The largest module's own parameters and their gradients, in bytes, the root's own parameters included (as
    /// DeepSpeed's estimator walks <c>model.modules()</c>); the parameters share the model's dtype.
    /// </summary>
    private long LargestLayerBytes()
    {
        if (ParameterCount is not { } total || TrainableParameterCount is not { } trainable
            || Layers.Any(l => l.ParameterCount is null || l.TrainableParameterCount is null))
        {
            throw new InvalidOperationException(
                $"The per-layer parameter counts of {ModelName} are not all known: ZeRO-3's gathered layer cannot be sized.");
        }
        var root = (Parameters: total - Layers.Sum(l => l.ParameterCount!.Value),
            Trainable: trainable - Layers.Sum(l => l.TrainableParameterCount!.Value));
        var elementSize = DType switch
        {
            torch.ScalarType.Float64 => 8,
            torch.ScalarType.Float32 => 4,
            torch.ScalarType.Float16 or torch.ScalarType.BFloat16 => 2,
            _ => throw new InvalidOperationException($"Parameters of type {DType} are not sized here."),
        };
        return Layers.Select(l => (Parameters: l.ParameterCount!.Value, Trainable: l.TrainableParameterCount!.Value)).Append(root)
            .Max(l => checked((l.Parameters + l.Trainable) * elementSize));
    }
}

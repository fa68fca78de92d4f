using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace TorchBudget;

/// <summary>
/// The memory of one device when a model trains on several (<see cref="MemoryReport.PerDevice"/>): the single-device
/// table with the sharded rows divided over the devices. Batch sizes here are per device (the micro-batch); the global
/// batch is that times <see cref="Devices"/>. These are formulas on top of the verified single-device table, not
/// measurements: what they leave out is in <see cref="Notes"/>.
/// </summary>
public sealed class DevicePlan
{
    private readonly MemoryReport report;
    private readonly MemoryModel memory;

    internal DevicePlan(MemoryReport report, MemoryModel memory, int devices, Sharding strategy, long largestLayerBytes)
    {
        this.report = report;
        this.memory = memory;
        Devices = devices;
        Strategy = strategy;
        ParameterBytes = strategy == Sharding.ZeroStage3 ? Shard(memory.ParameterBytes) : memory.ParameterBytes;
        GradientBytes = strategy is Sharding.ZeroStage2 or Sharding.ZeroStage3 ? Shard(memory.GradientBytes) : memory.GradientBytes;
        OptimizerStateBytes = strategy == Sharding.DataParallel ? memory.OptimizerStateBytes : Shard(memory.OptimizerStateBytes);
        GatheredLayerBytes = strategy == Sharding.ZeroStage3 ? largestLayerBytes : 0;
        // The step's peak keeps its own transients; only the resident rows change, and ZeRO-3 gathers a layer at a time.
        PeakShift = checked(ParameterBytes + GradientBytes + OptimizerStateBytes + GatheredLayerBytes
            - memory.ParameterBytes - memory.GradientBytes - memory.OptimizerStateBytes);
    }

    /// <summary>How many devices share the training.</summary>
    public int Devices { get; }

    /// <summary>What is split over them.</summary>
    public Sharding Strategy { get; }

    /// <summary>Parameter bytes one device holds between layers (a shard under ZeRO-3).</summary>
    public long ParameterBytes { get; }

    /// <summary>Gradient bytes one device keeps between steps (a shard under ZeRO-2 and 3).</summary>
    public long GradientBytes { get; }

    /// <summary>Optimizer state bytes one device holds (a shard under every ZeRO stage).</summary>
    public long OptimizerStateBytes { get; }

    /// <summary>
    /// ZeRO-3 only: the largest layer's own parameters and their gradients, held whole while that layer runs (DeepSpeed's
    /// estimator counts the same "largest layer memory"); 0 otherwise.
    /// </summary>
    public long GatheredLayerBytes { get; }

    /// <summary>How much the per-device peak differs from the single-device peak at the same per-device batch.</summary>
    public long PeakShift { get; }

    /// <summary>What these figures assume and leave out.</summary>
    public IReadOnlyList<string> Notes => new[]
    {
        "Per-device batch: each device runs forward and backward on its own micro-batch; the global batch is that times " +
            Devices.ToString(CultureInfo.InvariantCulture) + ".",
        "Shards are an even split rounded up to a whole byte count; DeepSpeed also pads its flat buffers for alignment.",
        "Not included: communication buffers (DDP's gradient buckets, ZeRO's reduce and all-gather buckets), which depend on their " +
            "configured sizes, and the CUDA context.",
    };

    /// <summary>One device's memory at <paramref name="perDeviceBatch"/> samples per device.</summary>
    public MemoryBreakdown ForBatch(long perDeviceBatch)
    {
        var single = report.ForBatch(perDeviceBatch);
        return new MemoryBreakdown(perDeviceBatch, ParameterBytes, single.Buffers, GradientBytes, OptimizerStateBytes,
            single.Input, single.Activations, checked(single.Peak + PeakShift)) { Unregistered = single.Unregistered };
    }

    /// <summary>One row per batch size the report is configured for, read as per-device batches.</summary>
    public IReadOnlyList<MemoryBreakdown> Table => report.BatchSizes.Select(ForBatch).ToList();

    /// <summary>The largest per-device batch whose per-device peak fits <paramref name="safetyFactor"/> × <paramref name="budgetBytes"/>;
    /// 0 when none does.</summary>
    public long MaxBatchSize(long budgetBytes, double safetyFactor = 0.8)
    {
        if (budgetBytes <= 0) throw new ArgumentOutOfRangeException(nameof(budgetBytes), budgetBytes, "The budget must be positive.");
        if (safetyFactor <= 0 || safetyFactor > 1)
            throw new ArgumentOutOfRangeException(nameof(safetyFactor), safetyFactor, "The safety factor must be in (0, 1].");
        report.ForBatch(1); // throws when the table is incomplete
        // Peak_device(B) = Peak(B) + PeakShift, so the single-device lines decide against the shifted limit.
        var usable = (decimal)budgetBytes * (decimal)safetyFactor - PeakShift;
        return usable < 0 ? 0 : PeakFormula.LargestBatch(memory.PeakLines!, memory.PeakAtBatchOne, usable, memory.LargerBatchPeaks);
    }

    /// <summary>The per-device table in Markdown with human units.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("### ").Append(report.ModelName).Append(" on ").Append(Devices.ToString(CultureInfo.InvariantCulture)).Append(" devices, ")
            .Append(Strategy).AppendLine(" (per device)");
        text.AppendLine();
        text.AppendLine("| Batch per device | Global batch | Parameters | Buffers | Gradients | Optimizer state | Input | Activations | Peak |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in Table)
        {
            text.Append("| ").Append(row.BatchSize.ToString(CultureInfo.InvariantCulture))
                .Append(" | ").Append(checked(row.BatchSize * Devices).ToString(CultureInfo.InvariantCulture));
            foreach (var bytes in new[] { row.Parameters, row.Buffers, row.Gradients, row.OptimizerState, row.Input, row.Activations, row.Peak })
            {
                text.Append(" | ").Append(ByteUnits.Format(bytes));
            }
            text.AppendLine(" |");
        }
        foreach (var note in Notes) text.AppendLine().Append("- ").Append(note);
        return text.ToString();
    }

    private long Shard(long bytes) => (bytes + Devices - 1) / Devices;
}

using System;
using System.Collections.Generic;
using TorchBudget.Harness;
using TorchSharp;

namespace TorchBudget;

// A report measured from a running module rather than generated at compile time.
public sealed partial class MemoryReport
{
    /// <summary>
    /// A report for any module, generated or not (a TorchVision model, a model from a library, code the analysis cannot
    /// read): runs real training steps and inference passes of <paramref name="model"/> on the options' device (the CPU by
    /// default) at batch 1 and three more batches, and fits each row that grows with the batch as a line, kept only where
    /// the check batch lands on it. Counts come from TorchSharp, output shapes from forward hooks (modules called through
    /// <c>call()</c>). Exact bytes on the CPU under Linux (the in-process counter); NVML's device memory on CUDA; where this
    /// process can measure neither, the memory rows are unknown, with a note. The report keeps <paramref name="model"/> to
    /// confirm <see cref="MaxBatchSize"/>'s answers with real steps: don't dispose it while you use the report.
    /// </summary>
    /// <param name="model">A Module&lt;…, Tensor&gt; whose forward takes the input (and <see cref="MeasureOptions.FurtherInputs"/>).</param>
    /// <param name="inputShape">One sample's shape, without the batch dimension.</param>
    /// <param name="options">The step to run and the batches to measure; null: the defaults.</param>
    public static MemoryReport Measure(torch.nn.Module model, long[] inputShape, MeasureOptions? options = null) =>
        ReportMeasurement.Measure(model, inputShape, options ?? new MeasureOptions());

    /// <summary>Whether the figures were measured (<see cref="Measure"/>) rather than worked out at compile time.</summary>
    public bool IsMeasured => MeasuredBatches.Count > 0;

    /// <summary>The batches <see cref="Measure"/> ran; empty for a generated report.</summary>
    public IReadOnlyList<long> MeasuredBatches { get; internal init; } = Array.Empty<long>();

    /// <summary>
    /// A measured report's real step at a batch: its peak, or null when the device ran out of memory; it throws where the
    /// machine cannot hold the step (<see cref="InvalidOperationException"/>).
    /// </summary>
    internal Func<long, long?>? Confirm { get; set; }

    /// <summary>
    /// The largest batch whose real step's peak fits <paramref name="usable"/>, searched from the fitted answer: a line fitted at
    /// small batches can cross a kernel switch before it.
    /// </summary>
    private long Confirmed(long fitted, decimal usable)
    {
        bool Fits(long batch) => Confirm!(batch) is { } peak && peak <= usable;
        return BatchSizeFinder.LargestSatisfying(Fits, Math.Max(1, fitted), Math.Max(1, fitted) * 4 + 16);
    }
}

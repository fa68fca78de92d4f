using System;

namespace TorchBudget;

/// <summary>What the training and the inference formulas both require of their activations and peak arguments.</summary>
internal static class RowFormulas
{
    public static void Check(ByteFormula? activations, long? activationsAtBatchOne, ByteFormula[]? peakLines, PeakRegime[]? largerBatchPeaks)
    {
        if (activationsAtBatchOne is not null && activations is null)
            throw new ArgumentException("Batch 1's activations refine known activations.", nameof(activationsAtBatchOne));
        if (largerBatchPeaks is { Length: > 0 } && peakLines is null)
            throw new ArgumentException("Regimes refine a known peak.", nameof(largerBatchPeaks));
        for (var i = 1; i < (largerBatchPeaks?.Length ?? 0); i++)
        {
            if (largerBatchPeaks![i].FromBatch <= largerBatchPeaks[i - 1].FromBatch)
                throw new ArgumentException("Regimes come in ascending batch order.", nameof(largerBatchPeaks));
        }
        if (peakLines is { Length: 0 }) throw new ArgumentException("A known peak has at least one line.", nameof(peakLines));
    }
}

using System;
using System.Collections.Generic;

namespace TorchBudget;

/// <summary>
/// Peak(B) as the largest of (constant, per-sample) lines, and the largest batch under a byte limit. Where the
/// step runs other kernels at batch 1 (ATen sends small convolutions to its own path, not oneDNN), the lines hold
/// from batch 2 and the peak at batch 1 is given on its own.
/// One source, compiled into the runtime and linked into the analyzers (which cannot reference the runtime).
/// </summary>
internal static class PeakFormula
{
    public static long At(IReadOnlyList<long> terms, long? peakAtBatchOne, long batchSize)
    {
        if (batchSize == 1 && peakAtBatchOne is { } atOne) return atOne;
        var peak = long.MinValue;
        for (var i = 0; i < terms.Count; i += 2) peak = Math.Max(peak, checked(terms[i] + terms[i + 1] * batchSize));
        return peak;
    }

    /// <summary>The largest B with Peak(B) ≤ <paramref name="usableBytes"/>; 0 when not even one sample fits.</summary>
    public static long LargestBatch(IReadOnlyList<long> terms, long? peakAtBatchOne, decimal usableBytes)
    {
        var largest = LargestOnLines(terms, usableBytes);
        // The lines never fall as B grows, so below 2 only batch 1 is left to decide, by its own peak.
        if (largest >= 2 || peakAtBatchOne is not { } atOne) return largest;
        return atOne <= usableBytes ? 1 : 0;
    }

    private static long LargestOnLines(IReadOnlyList<long> terms, decimal usableBytes)
    {
        var largest = decimal.MaxValue;
        for (var i = 0; i < terms.Count; i += 2)
        {
            decimal fixedPart = terms[i], perSample = terms[i + 1];
            if (fixedPart + perSample > usableBytes) return 0;
            if (perSample > 0) largest = Math.Min(largest, decimal.Floor((usableBytes - fixedPart) / perSample));
        }
        return largest >= long.MaxValue ? long.MaxValue : (long)largest;
    }
}

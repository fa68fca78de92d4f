using System;
using System.Collections.Generic;

namespace TorchBudget;

/// <summary>
/// Peak(B) as the largest of (constant, per-sample) lines, and the largest batch under a byte limit.
/// One source, compiled into the runtime and linked into the analyzers (which cannot reference the runtime).
/// </summary>
internal static class PeakFormula
{
    public static long At(IReadOnlyList<long> terms, long batchSize)
    {
        var peak = long.MinValue;
        for (var i = 0; i < terms.Count; i += 2) peak = Math.Max(peak, checked(terms[i] + terms[i + 1] * batchSize));
        return peak;
    }

    /// <summary>The largest B with Peak(B) ≤ <paramref name="usableBytes"/>; 0 when not even one sample fits.</summary>
    public static long LargestBatch(IReadOnlyList<long> terms, decimal usableBytes)
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

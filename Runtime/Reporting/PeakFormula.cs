using System;
using System.Collections.Generic;

// Linked into the analyzers too, under their own namespace, so tests that see both assemblies find one type.
#if TORCHBUDGET_ANALYZERS
namespace TorchBudget.Analyzers.Linked;
#else
namespace TorchBudget;
#endif

/// <summary>
/// Peak(B) as the largest of its lines (<see cref="ByteFormula"/>: one per moment of the step that can be the highest),
/// and the largest batch under a byte limit. Where the step runs other kernels at batch 1 (ATen sends small
/// convolutions to its own path, not oneDNN), the lines hold from batch 2 and the peak at batch 1 is given on its own.
/// One source, compiled into the runtime and linked into the analyzers (which cannot reference the runtime).
/// </summary>
internal static class PeakFormula
{
    public static long At(IReadOnlyList<ByteFormula> lines, long? peakAtBatchOne, long batchSize)
    {
        if (batchSize == 1 && peakAtBatchOne is { } atOne) return atOne;
        var peak = long.MinValue;
        foreach (var line in lines) peak = Math.Max(peak, line.At(batchSize));
        return peak;
    }

    /// <summary>The largest B with Peak(B) ≤ <paramref name="usableBytes"/>; 0 when not even one sample fits.</summary>
    public static long LargestBatch(IReadOnlyList<ByteFormula> lines, long? peakAtBatchOne, decimal usableBytes)
    {
        var largest = LargestOnLines(lines, usableBytes);
        // The lines never fall as B grows, so below 2 only batch 1 is left to decide, by its own peak.
        if (largest >= 2 || peakAtBatchOne is not { } atOne) return largest;
        return atOne <= usableBytes ? 1 : 0;
    }

    private static long LargestOnLines(IReadOnlyList<ByteFormula> lines, decimal usableBytes)
    {
        var largest = long.MaxValue;
        foreach (var line in lines)
        {
            if (line.AtExact(1) > usableBytes) return 0;
            // Rounding only adds bytes, so no batch above the unrounded line's crossing fits.
            var (fixedPart, perSample) = line.Unrounded();
            var bound = perSample > 0 ? decimal.Floor((usableBytes - fixedPart) / perSample) : decimal.MaxValue;
            var upper = bound >= long.MaxValue ? long.MaxValue : (long)bound;
            largest = Math.Min(largest, line.IsLinear ? upper : LargestOnStaircase(line, upper, usableBytes));
        }
        return largest;
    }

    /// <summary>A line with page-rounded buffers never falls as B grows: the largest fitting B by bisection in [1, upper].</summary>
    private static long LargestOnStaircase(ByteFormula line, long upper, decimal usableBytes)
    {
        long low = 1, high = upper;
        while (low < high)
        {
            var middle = low + (high - low + 1) / 2;
            if (line.AtExact(middle) <= usableBytes) low = middle;
            else high = middle - 1;
        }
        return low;
    }
}

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
/// convolutions to its own path, not oneDNN), the lines hold from batch 2 and the peak at batch 1 is given on its own;
/// where it runs other kernels from a larger batch on, a <see cref="PeakRegime"/> gives the lines from there.
/// One source, compiled into the runtime and linked into the analyzers (which cannot reference the runtime).
/// </summary>
internal static class PeakFormula
{
    public static long At(IReadOnlyList<ByteFormula> lines, long? peakAtBatchOne, long batchSize, IReadOnlyList<PeakRegime>? largerBatches = null)
    {
        if (batchSize == 1 && peakAtBatchOne is { } atOne) return atOne;
        var peak = long.MinValue;
        foreach (var line in LinesAt(lines, largerBatches, batchSize)) peak = Math.Max(peak, line.At(batchSize));
        return peak;
    }

    /// <summary>
    /// The largest B with Peak(B) ≤ <paramref name="usableBytes"/>; 0 when not even one sample fits. Within a regime the
    /// lines never fall as B grows; across regimes the peak may fall (other kernels), so each regime is searched.
    /// </summary>
    public static long LargestBatch(IReadOnlyList<ByteFormula> lines, long? peakAtBatchOne, decimal usableBytes,
        IReadOnlyList<PeakRegime>? largerBatches = null)
    {
        var regimes = largerBatches ?? Array.Empty<PeakRegime>();
        for (var i = regimes.Count - 1; i >= 0; i--)
        {
            var last = i + 1 < regimes.Count ? regimes[i + 1].FromBatch - 1 : long.MaxValue;
            var largest = Math.Min(LargestOnLines(regimes[i].Lines, usableBytes, regimes[i].FromBatch), last);
            if (largest >= regimes[i].FromBatch) return largest;
        }
        var mainLast = regimes.Count > 0 ? regimes[0].FromBatch - 1 : long.MaxValue;
        var onMain = Math.Min(LargestOnLines(lines, usableBytes, 1), mainLast);
        // The lines never fall as B grows, so below 2 only batch 1 is left to decide, by its own peak.
        if (onMain >= 2 || peakAtBatchOne is not { } atOne) return onMain;
        return atOne <= usableBytes ? 1 : 0;
    }

    private static IReadOnlyList<ByteFormula> LinesAt(IReadOnlyList<ByteFormula> lines, IReadOnlyList<PeakRegime>? largerBatches, long batchSize)
    {
        if (largerBatches is null) return lines;
        for (var i = largerBatches.Count - 1; i >= 0; i--)
        {
            if (batchSize >= largerBatches[i].FromBatch) return largerBatches[i].Lines;
        }
        return lines;
    }

    /// <summary>The largest B ≥ <paramref name="from"/> on these lines that fits; below <paramref name="from"/> when none does.</summary>
    private static long LargestOnLines(IReadOnlyList<ByteFormula> lines, decimal usableBytes, long from)
    {
        var largest = long.MaxValue;
        foreach (var line in lines)
        {
            if (line.AtExact(from) > usableBytes) return from - 1;
            // Rounding only adds bytes, so no batch above the unrounded line's crossing fits.
            var (fixedPart, perSample) = line.Unrounded();
            var bound = perSample > 0 ? decimal.Floor((usableBytes - fixedPart) / perSample) : decimal.MaxValue;
            var upper = bound >= long.MaxValue ? long.MaxValue : (long)bound;
            largest = Math.Min(largest, line.IsLinear ? upper : LargestOnStaircase(line, from, upper, usableBytes));
        }
        return largest;
    }

    /// <summary>A line with page-rounded buffers never falls as B grows: the largest fitting B by bisection in [from, upper].</summary>
    private static long LargestOnStaircase(ByteFormula line, long from, long upper, decimal usableBytes)
    {
        long low = from, high = Math.Max(from, upper);
        while (low < high)
        {
            var middle = low + (high - low + 1) / 2;
            if (line.AtExact(middle) <= usableBytes) low = middle;
            else high = middle - 1;
        }
        return low;
    }
}

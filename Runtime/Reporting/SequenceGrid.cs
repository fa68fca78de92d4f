using System;
using System.Collections.Generic;
using System.Linq;

namespace TorchBudget;

/// <summary>
/// The training Peak over batch × sequence length that Markdown and HTML show for a model whose inputs mark sequence
/// dimensions: the report's batch sizes against the profiled length, its quarter, half, double and quadruple, where
/// the formulas in T cover them.
/// </summary>
internal static class SequenceGrid
{
    /// <summary>The lengths of the columns, ascending; empty where the report varies no length or its formulas were not generated.</summary>
    public static IReadOnlyList<long> Lengths(MemoryReport report)
    {
        if (report.SequenceLengthsCovered is null || report.SequenceLength is not { } profiled) return Array.Empty<long>();
        return new[] { profiled / 4, profiled / 2, profiled, profiled * 2, profiled * 4 }
            .Where(t => t >= 1 && (t == profiled || Covers(report, t))).Distinct().OrderBy(t => t).ToList();
    }

    /// <summary>The peak at (B, T), or null where it is unknown.</summary>
    public static long? Peak(MemoryReport report, long batchSize, long sequenceLength)
    {
        try
        {
            var at = report.ForSequenceLength(sequenceLength);
            return at.Memory?.PeakLines is null ? null : at.Memory.PeakAt(batchSize);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException or OverflowException)
        {
            return null;
        }
    }

    private static bool Covers(MemoryReport report, long length)
    {
        try
        {
            report.ForSequenceLength(length);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}

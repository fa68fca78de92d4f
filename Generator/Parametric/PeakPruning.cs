using System.Collections.Generic;
using System.Linq;

namespace TorchBudget.Generator.Parametric;

/// <summary>
/// Drops peak lines another line is at or above wherever the path holds: where the other's constant and per-sample
/// polynomials exceed this one's coefficient by coefficient, and every size in the difference is at least 0 by the
/// path's own bounds. Anything it cannot show stays: a line too many changes no peak.
/// </summary>
internal static class PeakPruning
{
    /// <param name="at">The sizes the lines were worked out at: a line at or above another everywhere is so there too,
    /// which rules most pairs out before any polynomial is compared.</param>
    public static List<ParametricBytes> Prune(List<ParametricBytes> lines, IReadOnlyList<SizeGuard> guards, long[] at)
    {
        var nonNegative = NonNegativeSizes(guards);
        var distinct = lines.Distinct().Select(l => (Line: l, Constant: l.Constant.Evaluate(at), PerSample: l.PerSample.Evaluate(at))).ToList();
        return distinct
            .Where(line => !distinct.Any(other => !other.Line.Equals(line.Line)
                && other.Constant >= line.Constant && other.PerSample >= line.PerSample
                && AtOrAbove(other.Line, line.Line, nonNegative)))
            .Select(l => l.Line)
            .ToList();
    }

    private static bool AtOrAbove(ParametricBytes upper, ParametricBytes lower, HashSet<int> nonNegative)
    {
        try
        {
            return NonNegative(upper.Constant.Minus(lower.Constant), nonNegative) && NonNegative(upper.PerSample.Minus(lower.PerSample), nonNegative);
        }
        catch (System.OverflowException)
        {
            return false;
        }
    }

    private static bool NonNegative(Polynomial difference, HashSet<int> nonNegative) =>
        difference.Terms.All(t => t.Coefficient >= 0 && t.Variables.All(nonNegative.Contains));

    /// <summary>Sizes a one-size bound of the path keeps at or above 0 (x &gt;= lo with lo &gt;= 0, or x == v with v &gt;= 0).</summary>
    private static HashSet<int> NonNegativeSizes(IReadOnlyList<SizeGuard> guards) =>
        new(GuardIntervals.Merge(guards).Select(GuardIntervals.LowerBound).Where(b => b is { Lower: >= 0 }).Select(b => b!.Value.Variable));
}

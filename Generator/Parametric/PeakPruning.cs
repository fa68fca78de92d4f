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
    /// <remarks>
    /// Being at or above is transitive, and two distinct lines are never at or above each other, so the lines kept are
    /// the maximal ones. Taken highest first at <paramref name="at"/>, each line is compared with the few kept so far
    /// (a long recurrent backward gives thousands of lines and a dozen maxima), and a tie at <paramref name="at"/> that
    /// turns out higher replaces the one it is above.
    /// </remarks>
    public static List<ParametricBytes> Prune(List<ParametricBytes> lines, IReadOnlyList<SizeGuard> guards, long[] at)
    {
        var nonNegative = NonNegativeSizes(guards);
        var distinct = lines.Distinct()
            .Select((l, order) => (Line: l, Order: order, Constant: l.Constant.Evaluate(at), PerSample: l.PerSample.Evaluate(at)))
            .ToList();
        var kept = new List<(ParametricBytes Line, int Order, long Constant, long PerSample)>();
        foreach (var line in distinct.OrderByDescending(l => l.Constant).ThenByDescending(l => l.PerSample))
        {
            if (kept.Any(k => k.Constant >= line.Constant && k.PerSample >= line.PerSample && AtOrAbove(k.Line, line.Line, nonNegative)))
                continue;
            kept.RemoveAll(k => k.Constant == line.Constant && k.PerSample == line.PerSample && AtOrAbove(line.Line, k.Line, nonNegative));
            kept.Add(line);
        }
        return kept.OrderBy(k => k.Order).Select(k => k.Line).ToList();
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

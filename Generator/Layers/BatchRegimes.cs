using System;
using System.Collections.Generic;
using System.Linq;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// Where a kernel's choice changes with the batch, when the choice follows comparisons among costs that are affine in
/// the batch on each residue class modulo a period (oneDNN's balancers divide the batch by at most the thread count, and
/// source rows by the strides): each class's choice can change only where two costs cross, so the choice is checked
/// at every crossing rather than at every batch.
/// </summary>
internal static class BatchRegimes
{
    private static readonly (long A, long B)[] Equal = { (1, 1) };
    private static readonly (long A, long B)[] WithinTenth = { (1, 1), (10, 11), (11, 10) };
    private static readonly (long A, long B)[] ThreeQuarters = { (1, 1), (4, 3), (3, 4) };

    /// <summary>Residue classes followed at most (2 × the strides' product).</summary>
    private const long MaxPeriod = 512;

    /// <summary>Crossings past this many periods are treated as never reached (batches beyond 2^40).</summary>
    private const double FarthestPeriods = 1L << 40;

    /// <summary>
    /// The batches from 3 on at which <paramref name="value"/> differs from the batch before, or null where it changes
    /// more than <paramref name="limit"/> times. Where it alternates with the batch's residue from some batch on, the plan
    /// takes the largest of a period's values from there (an upper bound, <see cref="BatchPlan.Gap"/> above the least).
    /// <paramref name="value"/> computes the choice at a batch and, given a list, adds every cost it compares, in the same
    /// order at every batch.
    /// </summary>
    public static BatchPlan? Plan(Func<long, List<ComparedCost>?, long> value, long period, int limit)
    {
        if (period > MaxPeriod) return null;
        var points = new SortedSet<long> { 2 };
        for (var first = 2L; first < 2 + period; first++)
        {
            var (at, next) = (new List<ComparedCost>(), new List<ComparedCost>());
            value(first, at);
            value(first + period, next);
            if (at.Count != next.Count) return null;
            foreach (var k in Crossings(at, next)) points.Add(first + k * period);
        }
        var changes = new List<long>();
        var covered = 1L;
        foreach (var start in points)
        {
            if (start <= covered) continue;
            // Past a crossing the classes may disagree for a few batches: follow batch by batch until a whole period agrees.
            var (previous, recent, inStretch, batch) = (value(start - 1, null), new List<long>(), 0, start);
            for (; ; batch++)
            {
                var current = value(batch, null);
                if (batch > 2 && current != previous)
                {
                    changes.Add(batch);
                    inStretch++;
                }
                if (inStretch > 2 * period) return UpperBound(value, period, limit, points, changes, changes[changes.Count - inStretch]);
                previous = current;
                recent.Add(current);
                if (batch >= start + period - 1 && recent.Skip(recent.Count - (int)period).Distinct().Count() == 1) break;
            }
            if (changes.Count > limit) return null;
            covered = batch;
        }
        return new BatchPlan(changes, null, 0, 0);
    }

    /// <summary>
    /// The plan where the value alternates from <paramref name="from"/> on: the period's largest value from there, which
    /// later crossings must leave the largest.
    /// </summary>
    private static BatchPlan? UpperBound(Func<long, List<ComparedCost>?, long> value, long period, int limit, SortedSet<long> points,
        List<long> changes, long from)
    {
        List<long> Window(long start) => Enumerable.Range(0, (int)period).Select(i => value(start + i, null)).ToList();
        var window = Window(from);
        var (upper, gap) = (window.Max(), window.Max() - window.Min());
        foreach (var point in points.Where(p => p > from))
        {
            var later = Window(point);
            if (later.Max() != upper) return null;
            gap = Math.Max(gap, upper - later.Min());
        }
        var kept = changes.Where(b => b < from).ToList();
        if (from > 2 && upper != value(from - 1, null)) kept.Add(from);
        return kept.Count > limit ? null : new BatchPlan(kept, from, upper, gap);
    }

    /// <summary>
    /// The steps k ≥ 0 (batches first + k·period) around which two costs of one comparison group, affine in k, cross at a
    /// ratio the group compares them at.
    /// </summary>
    private static IEnumerable<long> Crossings(List<ComparedCost> at, List<ComparedCost> next)
    {
        var groups = at.Select((c, i) => (c.Group, c.Ratios, Line: (Start: c.Value, Slope: next[i].Value - c.Value)))
            .GroupBy(c => (c.Group, c.Ratios));
        foreach (var group in groups)
        {
            var lines = group.Select(c => c.Line).Distinct().ToList();
            var ratios = group.Key.Ratios switch { CostRatios.WithinTenth => WithinTenth, CostRatios.ThreeQuarters => ThreeQuarters, _ => Equal };
            for (var i = 0; i < lines.Count; i++)
            {
                for (var j = 0; j < lines.Count; j++)
                {
                    if (i == j || (lines[i].Slope == 0 && lines[j].Slope == 0)) continue;
                    foreach (var (a, b) in ratios)
                    {
                        var slope = (double)a * lines[i].Slope - (double)b * lines[j].Slope;
                        if (slope == 0) continue;
                        var k = ((double)b * lines[j].Start - (double)a * lines[i].Start) / slope;
                        if (k < 0 || k > FarthestPeriods) continue;
                        // A choice of the least cost changes only where the least is reached by another line.
                        if (group.Key.Ratios == CostRatios.Equal && !Least(lines, lines[i], k)) continue;
                        var floor = (long)Math.Floor(k);
                        for (var step = Math.Max(0, floor - 1); step <= floor + 2; step++) yield return step;
                    }
                }
            }
        }
    }

    /// <summary>Whether <paramref name="line"/> is (within rounding) the least of <paramref name="lines"/> at step k.</summary>
    private static bool Least(List<(long Start, long Slope)> lines, (long Start, long Slope) line, double k)
    {
        var least = lines.Min(l => l.Start + l.Slope * k);
        var value = line.Start + line.Slope * k;
        return value <= least + 1 + Math.Abs(least) * 1e-9;
    }
}

/// <summary>Which ratios a balancer compares the costs of one group at: equal only, within 110 %, or 4 : 3.</summary>
internal enum CostRatios
{
    Equal,
    WithinTenth,
    ThreeQuarters,
}

/// <summary>A cost a balancer compares with the others of its <paramref name="Group"/> (one decision of one balancer).</summary>
internal readonly record struct ComparedCost(int Group, long Value, CostRatios Ratios);

/// <summary>
/// A choice over the batches from 2 on: it changes at <see cref="ChangesAt"/>; from <see cref="UpperFrom"/> on (where it
/// alternates with the batch's residue) it is taken as <see cref="UpperValue"/>, at most <see cref="Gap"/> above the value.
/// </summary>
internal sealed record BatchPlan(IReadOnlyList<long> ChangesAt, long? UpperFrom, long UpperValue, long Gap)
{
    public long At(long batch, Func<long, List<ComparedCost>?, long> value) =>
        UpperFrom is { } from && batch >= from ? UpperValue : value(batch, null);
}

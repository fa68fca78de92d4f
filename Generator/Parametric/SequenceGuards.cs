using System.Collections.Generic;
using System.Linq;

namespace TorchBudget.Generator.Parametric;

/// <summary>
/// A sequence path's guards on T (variable 0) in their simplest equivalent form over whole lengths T ≥ 1: the linear
/// ones become one interval and the lengths excluded inside it (2T − 1 &gt; 0 holds for every T and goes; 1 − 12T ≠ 0
/// too), the rest are kept as they are. The emitted test and the covered lengths then read as a user thinks of them.
/// </summary>
internal static class SequenceGuards
{
    public static (List<SizeGuard> Guards, long Lower, long? Upper, List<long> Excluded) Simplify(IEnumerable<SizeGuard> guards)
    {
        long lower = 1;
        long? upper = null;
        var excluded = new SortedSet<long>();
        var others = new List<SizeGuard>();
        foreach (var guard in guards)
        {
            if (Linear(guard.Expression) is not var (a, c) || a == 0
                || guard.Relation is GuardRelation.DivisibleBy or GuardRelation.NotDivisibleBy || c == long.MinValue)
            {
                others.Add(guard);
                continue;
            }
            // a·T + c compared with 0, a ≠ 0.
            switch (guard.Relation)
            {
                case GuardRelation.Positive when a > 0: lower = System.Math.Max(lower, FloorDiv(-c, a) + 1); break;
                case GuardRelation.Positive: upper = Min(upper, CeilDiv(c, -a) - 1); break;
                case GuardRelation.NonNegative when a > 0: lower = System.Math.Max(lower, CeilDiv(-c, a)); break;
                case GuardRelation.NonNegative: upper = Min(upper, FloorDiv(c, -a)); break;
                case GuardRelation.Zero when -c % a == 0:
                    lower = System.Math.Max(lower, -c / a);
                    upper = Min(upper, -c / a);
                    break;
                case GuardRelation.Zero: upper = 0; break;
                case GuardRelation.NonZero when -c % a == 0: excluded.Add(-c / a); break;
                default: break;
            }
        }
        // An excluded end narrows the interval (T <= 32 and T != 32 is T <= 31).
        while (excluded.Contains(lower) && (upper is null || lower <= upper)) lower++;
        while (upper is { } end && excluded.Contains(end) && end >= lower) upper = end - 1;
        var t = Polynomial.Variable(0);
        // One length left: every other guard is decided by its value there (kept only if it fails, so the path holds nowhere).
        if (upper == lower) others = others.Where(g => !g.Holds(new[] { lower })).ToList();
        var simplified = new List<SizeGuard>();
        if (upper is { } hi && hi == lower) simplified.Add(SizeGuard.Equality(t, Polynomial.Constant(lower), equal: true));
        else
        {
            if (lower > 1) simplified.Add(SizeGuard.Ordered(Polynomial.Constant(lower), t, strict: false));
            if (upper is { } top) simplified.Add(SizeGuard.Ordered(t, Polynomial.Constant(top), strict: false));
        }
        var inside = excluded.Where(v => v >= lower && (upper is null || v <= upper) && upper != lower).ToList();
        simplified.AddRange(inside.Select(v => SizeGuard.Equality(t, Polynomial.Constant(v), equal: false)));
        simplified.AddRange(others);
        return (simplified, lower, upper, inside);
    }

    /// <summary>a·T + c where the polynomial is linear in T alone; else null.</summary>
    private static (long A, long C)? Linear(Polynomial p)
    {
        if (p.Terms.Any(term => term.Variables.Count > 1 || term.Variables.Any(v => v != 0))) return null;
        return (p.Terms.FirstOrDefault(term => term.Variables.Count == 1).Coefficient, p.ConstantTerm);
    }

    private static long? Min(long? a, long b) => a is { } x ? System.Math.Min(x, b) : b;

    private static long FloorDiv(long n, long d) => n / d - (n % d != 0 && (n < 0) != (d < 0) ? 1 : 0);

    private static long CeilDiv(long n, long d) => -FloorDiv(-n, d);
}

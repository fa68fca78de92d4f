using System.Collections.Generic;
using System.Linq;

namespace TorchBudget.Generator.Parametric;

/// <summary>
/// Merges a path's bounds on single sizes (x &gt; 0, x &gt; 2, x &lt;= 3 from a loop's tests) into one interval per size,
/// so the emitted test and the message read <c>depth == 3</c>, not the loop's every test. The merged guards hold at
/// exactly the same arguments.
/// </summary>
internal static class GuardIntervals
{
    public static List<SizeGuard> Merge(IReadOnlyList<SizeGuard> guards)
    {
        var lower = new Dictionary<int, long>();
        var upper = new Dictionary<int, long>();
        var others = new List<SizeGuard>();
        foreach (var guard in guards)
        {
            if (Bound(guard) is not { } bound)
            {
                others.Add(guard);
                continue;
            }
            if (bound.Lower is { } lo) lower[bound.Variable] = lower.TryGetValue(bound.Variable, out var l) ? System.Math.Max(l, lo) : lo;
            if (bound.Upper is { } hi) upper[bound.Variable] = upper.TryGetValue(bound.Variable, out var h) ? System.Math.Min(h, hi) : hi;
        }
        var merged = new List<SizeGuard>();
        foreach (var variable in lower.Keys.Concat(upper.Keys).Distinct().OrderBy(v => v))
        {
            var x = Polynomial.Variable(variable);
            bool hasLower = lower.TryGetValue(variable, out var lo), hasUpper = upper.TryGetValue(variable, out var hi);
            if (hasLower && hasUpper && lo == hi)
            {
                merged.Add(SizeGuard.Equality(x, Polynomial.Constant(lo), equal: true));
                continue;
            }
            if (hasLower) merged.Add(SizeGuard.Ordered(Polynomial.Constant(lo), x, strict: false));
            if (hasUpper) merged.Add(SizeGuard.Ordered(x, Polynomial.Constant(hi), strict: false));
        }
        return merged.Concat(others).ToList();
    }

    /// <summary>±x + c compared with zero, as inclusive bounds on x; null for any other guard.</summary>
    private static (int Variable, long? Lower, long? Upper)? Bound(SizeGuard guard)
    {
        if (guard.Expression.AsOneSize() is not var (variable, coefficient, c) || c == long.MinValue) return null;
        // x + c > 0 ⇔ x ≥ 1 − c; x + c ≥ 0 ⇔ x ≥ −c; −x + c > 0 ⇔ x ≤ c − 1;
        // −x + c ≥ 0 ⇔ x ≤ c; ±x + c = 0 ⇔ x = ∓c.
        try
        {
            return (guard.Relation, coefficient) switch
            {
                (GuardRelation.Positive, 1) => (variable, checked(1 - c), null),
                (GuardRelation.NonNegative, 1) => (variable, -c, null),
                (GuardRelation.Positive, _) => (variable, null, checked(c - 1)),
                (GuardRelation.NonNegative, _) => (variable, null, c),
                (GuardRelation.Zero, 1) => (variable, -c, -c),
                (GuardRelation.Zero, _) => (variable, c, c),
                _ => null,
            };
        }
        catch (System.OverflowException)
        {
            return null;
        }
    }

    /// <summary>The size a merged guard fixes and its value (<c>x − v = 0</c>); null for any other guard.</summary>
    public static (int Variable, long Value)? FixedValue(SizeGuard guard) =>
        guard.Relation == GuardRelation.Zero && Bound(guard) is ({ } variable, { } value, _) ? (variable, value) : null;

    /// <summary>The lower bound a guard puts on one size (<c>x ≥ lo</c>, or <c>x = v</c>); null for any other guard.</summary>
    public static (int Variable, long Lower)? LowerBound(SizeGuard guard) =>
        Bound(guard) is ({ } variable, { } lower, _) ? (variable, lower) : null;
}

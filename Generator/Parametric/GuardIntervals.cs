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
        var terms = guard.Expression.Terms;
        var linear = terms.Where(t => t.Variables.Count > 0).ToList();
        if (linear.Count != 1 || linear[0].Variables.Count != 1 || linear[0].Coefficient is not (1 or -1) || terms.Count > 2) return null;
        var variable = linear[0].Variables[0];
        var c = guard.Expression.ConstantTerm;
        if (c == long.MinValue) return null;
        // x + c > 0 ⇔ x ≥ 1 − c; x + c ≥ 0 ⇔ x ≥ −c; −x + c > 0 ⇔ x ≤ c − 1; −x + c ≥ 0 ⇔ x ≤ c; ±x + c = 0 ⇔ x = ∓c.
        try
        {
            return (guard.Relation, linear[0].Coefficient) switch
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
}

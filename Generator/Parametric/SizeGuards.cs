using System.Collections.Generic;
using System.Linq;

namespace TorchBudget.Generator.Parametric;

/// <summary>
/// The guards one symbolic construction collects, in the order taken. A guard whose polynomial is constant decides
/// nothing and is dropped.
/// </summary>
internal sealed class SizeGuards
{
    private readonly HashSet<SizeGuard> seen = new();

    public List<SizeGuard> Taken { get; } = new();

    public void Add(SizeGuard guard)
    {
        guard = Normalized(guard);
        if (guard.Expression.IsConstant || !seen.Add(guard)) return;
        Taken.Add(guard);
    }

    /// <summary>
    /// A sign guard divided by its coefficients' positive gcd (2x &gt; 0 is x &gt; 0), so equal decisions read alike; a
    /// divisibility every argument meets (2x divisible by 2) decides nothing and becomes constant.
    /// </summary>
    private static SizeGuard Normalized(SizeGuard guard)
    {
        if (guard.Relation is GuardRelation.DivisibleBy or GuardRelation.NotDivisibleBy)
        {
            return guard.Expression.DividedBy(guard.Divisor) is not null ? guard with { Expression = Polynomial.Zero } : guard;
        }
        var gcd = guard.Expression.Terms.Aggregate(0L, (g, t) => Gcd(g, System.Math.Abs(t.Coefficient)));
        return gcd > 1 && guard.Expression.DividedBy(gcd) is { } reduced ? guard with { Expression = reduced } : guard;
    }

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);

    /// <summary>
    /// Records a decision taken on sizes that follow polynomials (in these guards, or none where both are plain numbers);
    /// where writing it overflows, <paramref name="pinInstead"/> pins the sizes to their values. Returns the decision.
    /// </summary>
    public static bool Record(SizeGuards? guards, bool decision, System.Func<SizeGuard> guard, System.Action pinInstead)
    {
        if (guards is null) return decision;
        try { guards.Add(guard()); }
        catch (System.OverflowException) { pinInstead(); }
        return decision;
    }

    /// <summary>Fixes a polynomial to the value it has here: what every use the analysis does not follow symbolically costs.</summary>
    public void Pin(Polynomial form, long value)
    {
        try { Add(SizeGuard.Equality(form, Polynomial.Constant(value), equal: true)); }
        catch (System.OverflowException) { Unpinnable = true; }
    }

    /// <summary>True when a pin could not be written as a polynomial (a coefficient overflowed): the path then holds nowhere else.</summary>
    public bool Unpinnable { get; private set; }
}

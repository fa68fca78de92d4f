using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Parametric;

/// <summary>
/// An integer polynomial in the profiled constructor's size parameters (indices into them), kept in canonical form so
/// equal polynomials compare equal. Arithmetic is checked: an overflowing coefficient throws.
/// </summary>
internal readonly record struct Polynomial(EquatableArray<Monomial> Terms)
{
    public static readonly Polynomial Zero = new(EquatableArray<Monomial>.Empty);

    public static Polynomial Constant(long value) =>
        value == 0 ? Zero : new(new[] { new Monomial(value, EquatableArray<int>.Empty) }.ToEquatableArray());

    public static Polynomial Variable(int index) => new(new[] { new Monomial(1, new[] { index }.ToEquatableArray()) }.ToEquatableArray());

    public bool IsConstant => Terms.All(t => t.Variables.Count == 0);

    /// <summary>The constant term.</summary>
    public long ConstantTerm => Terms.FirstOrDefault(t => t.Variables.Count == 0).Coefficient;

    public IEnumerable<int> Variables => Terms.SelectMany(t => t.Variables).Distinct();

    public Polynomial Plus(Polynomial other)
    {
        if (other.Terms.Count == 0) return this;
        if (Terms.Count == 0) return other;
        // Both are sorted: merge them, adding the coefficients of equal monomials (sums are the hot path of a peak).
        var merged = new List<Monomial>(Terms.Count + other.Terms.Count);
        int i = 0, j = 0;
        while (i < Terms.Count || j < other.Terms.Count)
        {
            var order = i == Terms.Count ? 1 : j == other.Terms.Count ? -1 : Terms[i].CompareTo(other.Terms[j]);
            if (order < 0) merged.Add(Terms[i++]);
            else if (order > 0) merged.Add(other.Terms[j++]);
            else
            {
                var sum = checked(Terms[i].Coefficient + other.Terms[j].Coefficient);
                if (sum != 0) merged.Add(Terms[i] with { Coefficient = sum });
                i++;
                j++;
            }
        }
        return new Polynomial(merged.ToEquatableArray());
    }

    public Polynomial Minus(Polynomial other) => Plus(other.Times(-1));

    public Polynomial Times(long factor) => Canonical(Terms.Select(t => t with { Coefficient = checked(t.Coefficient * factor) }));

    public Polynomial Times(Polynomial other) => Canonical(Terms.SelectMany(a => other.Terms.Select(a.Times)));

    /// <summary>This polynomial divided by a constant, where every coefficient divides exactly; else null.</summary>
    public Polynomial? DividedBy(long divisor) =>
        divisor != 0 && Terms.All(t => t.Coefficient % divisor == 0)
            ? new Polynomial(Terms.Select(t => t with { Coefficient = t.Coefficient / divisor }).ToEquatableArray())
            : null;

    /// <summary>
    /// This polynomial as Constant + Coefficient × size, with Coefficient ±1: how a bound on one size reads
    /// (<c>depth − 3</c>); null for any other polynomial.
    /// </summary>
    public (int Variable, long Coefficient, long Constant)? AsOneSize()
    {
        var linear = Terms.Where(t => t.Variables.Count > 0).ToList();
        if (linear.Count != 1 || linear[0].Variables.Count != 1 || linear[0].Coefficient is not (1 or -1) || Terms.Count > 2) return null;
        return (linear[0].Variables[0], linear[0].Coefficient, ConstantTerm);
    }

    public long Evaluate(long[] arguments) => Terms.Aggregate(0L, (sum, term) => checked(sum + term.Evaluate(arguments)));

    private static Polynomial Canonical(IEnumerable<Monomial> terms) => new(terms
        .GroupBy(t => t.Variables)
        .Select(g => new Monomial(g.Aggregate(0L, (sum, t) => checked(sum + t.Coefficient)), g.Key))
        .Where(t => t.Coefficient != 0)
        .OrderBy(t => t)
        .ToEquatableArray());
}

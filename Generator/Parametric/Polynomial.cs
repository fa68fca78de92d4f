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

    public static Polynomial Constant(long value) => value == 0 ? Zero : new(new[] { new Monomial(value, EquatableArray<int>.Empty) }.ToEquatableArray());

    public static Polynomial Variable(int index) => new(new[] { new Monomial(1, new[] { index }.ToEquatableArray()) }.ToEquatableArray());

    public bool IsConstant => Terms.All(t => t.Variables.Count == 0);

    /// <summary>The constant term.</summary>
    public long ConstantTerm => Terms.FirstOrDefault(t => t.Variables.Count == 0).Coefficient;

    public IEnumerable<int> Variables => Terms.SelectMany(t => t.Variables).Distinct();

    public Polynomial Plus(Polynomial other) => Canonical(Terms.Concat(other.Terms));

    public Polynomial Minus(Polynomial other) => Plus(other.Times(-1));

    public Polynomial Times(long factor) => Canonical(Terms.Select(t => t with { Coefficient = checked(t.Coefficient * factor) }));

    public Polynomial Times(Polynomial other) => Canonical(Terms.SelectMany(a => other.Terms.Select(a.Times)));

    /// <summary>This polynomial divided by a constant, where every coefficient divides exactly; else null.</summary>
    public Polynomial? DividedBy(long divisor) =>
        divisor != 0 && Terms.All(t => t.Coefficient % divisor == 0) ? new Polynomial(Terms.Select(t => t with { Coefficient = t.Coefficient / divisor }).ToEquatableArray()) : null;

    public long Evaluate(long[] arguments) => Terms.Aggregate(0L, (sum, term) => checked(sum + term.Evaluate(arguments)));

    private static Polynomial Canonical(IEnumerable<Monomial> terms) => new(terms
        .GroupBy(t => t.Variables)
        .Select(g => new Monomial(g.Aggregate(0L, (sum, t) => checked(sum + t.Coefficient)), g.Key))
        .Where(t => t.Coefficient != 0)
        .OrderBy(t => t)
        .ToEquatableArray());
}

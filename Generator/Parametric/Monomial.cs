using System;
using System.Linq;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Parametric;

/// <summary>Coefficient × the product of the size parameters listed (by index, ascending, repeated for powers).</summary>
internal readonly record struct Monomial(long Coefficient, EquatableArray<int> Variables) : IComparable<Monomial>
{
    public Monomial Times(Monomial other) =>
        new(checked(Coefficient * other.Coefficient), Variables.Concat(other.Variables).OrderBy(v => v).ToEquatableArray());

    /// <summary>Orders by degree, then by the variables: the canonical order of a <see cref="Polynomial"/>'s terms.</summary>
    public int CompareTo(Monomial other)
    {
        if (Variables.Count != other.Variables.Count) return Variables.Count.CompareTo(other.Variables.Count);
        for (var i = 0; i < Variables.Count; i++)
        {
            if (Variables[i] != other.Variables[i]) return Variables[i].CompareTo(other.Variables[i]);
        }
        return 0;
    }

    public long Evaluate(long[] arguments) =>
        Variables.Aggregate(Coefficient, (product, variable) => checked(product * arguments[variable]));
}

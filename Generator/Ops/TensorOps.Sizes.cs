using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Ops;

/// <summary>Reading a tensor's sizes: no tape node, no memory; a batch-sized dimension reads as a symbolic size.</summary>
internal static partial class TensorOps
{
    private static IEnumerable<TensorOpRule> Sizes()
    {
        yield return new(TensorOp.Size, "size(dim): one dimension's size", c =>
            c.Arg(0) is IntValue axis
                ? DimAsValue(c.Self.Shape[c.Self.Shape.Axis(axis.Pin()) ?? throw c.Op.Mismatch($"size({axis.Pin()}) of {c.Self.Shape}")])
                : null)
        {
            Names = ["size"],
        };
        yield return new(TensorOp.Dim, "the number of dimensions", c => new IntValue(c.Self.Shape.Rank)) { Names = ["dim"] };
        yield return new(TensorOp.Shape, "every dimension's size", c => new ListValue(c.Self.Shape.Dims.Select(DimAsValue).ToList()))
        {
            Names = ["shape"], Forms = TensorOpForms.Property,
        };
    }

    internal static Value DimAsValue(Dim dim) => dim.IsConstant() ? new IntValue(dim.PinCoefficient()) : new DimValue(dim);
}

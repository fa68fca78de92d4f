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
        // torch.zeros(..., dtype: x.dtype, device: x.device): a new tensor in the same dtype, on the profile's device.
        yield return new(TensorOp.DType, "its element type", c => new EnumValue("ScalarType", c.Self.ElementType.ToString(), 0))
        {
            Names = ["dtype"], Forms = TensorOpForms.Property,
        };
        yield return new(TensorOp.Device, "its device: the profile's", _ => new EnumValue("DeviceType", "CPU", 0))
        {
            Names = ["device"], Forms = TensorOpForms.Property,
        };
    }

    /// <summary>A size as C# reads it: a number (a polynomial where it follows one, as a sequence length does), or B's multiple.</summary>
    internal static Value DimAsValue(Dim dim) =>
        dim.BatchPower == 0 ? new IntValue(dim.PeekCoefficient, dim.Form) : dim.IsConstant() ? new IntValue(dim.PinCoefficient()) : new DimValue(dim);
}

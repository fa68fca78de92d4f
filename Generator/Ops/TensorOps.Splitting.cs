using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Ops;

/// <summary>
/// split, chunk and unbind: views of the parts, one autograd node for all of them. Its backward joins the parts'
/// gradients into one tensor of the input's size (cat; stack for unbind), after filling zeros for a part that got none:
/// split a tensor of the part's size, unbind a 0-d zero expanded (measured on 0.107; a fuzzer find for unbind).
/// </summary>
internal static partial class TensorOps
{
    private static IEnumerable<TensorOpRule> Splitting()
    {
        yield return new(TensorOp.Split, "views of parts of the given size (or sizes) along a dimension; backward joins their gradients",
            c => SplitBySizes(c, c.Arg(0), c.Arg(1)))
        {
            Names = ["split"], StridedGradientCopies = 0, Backward = BackwardTrait.TakesExpandedGradient,
        };
        yield return new(TensorOp.Chunk, "views of n parts of ceil(size / n) along a dimension (fewer where that covers it)", c =>
        {
            if (c.Arg(0) is not IntValue { } chunks || chunks.Pin() <= 0 || Axis(c, c.Arg(1)) is not { } axis) return null;
            var size = Constant(c, c.Self.Shape[axis], "chunk");
            var part = (size + chunks.Pin() - 1) / chunks.Pin();
            return SplitAlong(c, axis, PartSizes(size, part == 0 ? 1 : part).ToList(), select: false);
        })
        {
            Names = ["chunk"],
        };
        yield return new(TensorOp.Unbind, "views of every index along a dimension, which goes; backward stacks their gradients", c =>
        {
            if (Axis(c, c.Arg(0)) is not { } axis) return null;
            var size = Constant(c, c.Self.Shape[axis], "unbind");
            return SplitAlong(c, axis, Enumerable.Repeat(1L, (int)size).ToList(), select: true);
        })
        {
            Names = ["unbind"], StridedGradientCopies = 0, Backward = BackwardTrait.TakesExpandedGradient,
        };
    }

    private static Value? SplitBySizes(TensorOpCall c, Value sizes, Value dim)
    {
        if (Axis(c, dim) is not { } axis) return null;
        var size = Constant(c, c.Self.Shape[axis], "split");
        switch (sizes)
        {
            case IntValue part when part.Pin() > 0:
                return SplitAlong(c, axis, PartSizes(size, part.Pin()).ToList(), select: false);
            case ListValue list when list.Items.All(i => i is IntValue { Peek: >= 0 }):
                var parts = list.Items.Select(i => ((IntValue)i).Pin()).ToList();
                if (parts.Sum() != size) throw c.Op.Mismatch($"split sizes {string.Join(", ", parts)} do not add up to {size} in {c.Self.Shape}");
                return SplitAlong(c, axis, parts, select: false);
            default:
                return null;
        }
    }

    private static int? Axis(TensorOpCall c, Value dim) => dim switch
    {
        NullValue => 0,
        IntValue d => c.Self.Shape.Axis(d.Pin()) ?? throw c.Op.Mismatch($"{c.Name} along dim {d.Pin()} of {c.Self.Shape}"),
        _ => null,
    };

    /// <summary>The size of the split dimension: the batch dimension's parts would depend on the batch size.</summary>
    private static long Constant(TensorOpCall c, Dim size, string name) =>
        size.IsConstant() ? size.PinCoefficient()
        : throw new UnknownArgumentException(new UnknownValue($"{name} of the batch dimension", c.At));

    private static IEnumerable<long> PartSizes(long size, long part)
    {
        for (var start = 0L; start < size || (size == 0 && start == 0); start += part)
        {
            yield return System.Math.Min(part, size - start);
            if (size == 0) yield break;
        }
    }

    /// <summary>The parts as views (select: unbind's, without the dimension), recorded as one node.</summary>
    private static Value SplitAlong(TensorOpCall c, int axis, IReadOnlyList<long> sizes, bool select)
    {
        var self = c.Self;
        var strides = TensorLayout.ExactStridesOf(self);
        var parts = sizes.Select(size =>
        {
            var dims = self.Shape.Dims.ToList();
            var partStrides = strides.ToList();
            if (select)
            {
                dims.RemoveAt(axis);
                partStrides.RemoveAt(axis);
            }
            else
            {
                dims[axis] = Dim.Of(size);
            }
            return (new TensorShape(dims), (IReadOnlyList<Dim>)partStrides);
        }).ToList();
        return new ListValue(c.Trace.SplitViews(self, parts, select ? "unbind" : "split").Cast<Value>().ToList());
    }
}

using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// Ops that view a tensor or copy it when no view exists, decided from strides as ATen decides (see
/// <see cref="TensorLayout"/>): one rule for view, reshape, flatten, contiguous and the reshapes inside matmul.
/// </summary>
internal sealed partial class Interpreter
{
    /// <summary>reshape: a view where the strides allow one, else a contiguous copy (clone, then view).</summary>
    private ActivationTensor ReshapeOrCopy(ActivationTensor self, TensorShape target, LocationInfo? at)
    {
        if (TensorLayout.TryView(self.Shape, TensorLayout.NonContiguousStridesOf(self), target, trace!.Decide, out var strides, out var exact))
            return trace.View(self, target, strides, exact: exact);
        return ContiguousCopy(self, target, at);
    }

    /// <summary>
    /// A contiguous copy (clone in the contiguous format, as reshape and contiguous() make): its backward hands the
    /// incoming gradient back as it is (CloneBackward), to the source view's own backward.
    /// </summary>
    private ActivationTensor ContiguousCopy(ActivationTensor self, TensorShape shape, LocationInfo? at)
    {
        var copy = NewOp("copy", new Value[] { self }, at);
        var result = copy.Output(shape);
        copy.TransposeCopyBuffer(self);
        copy.Backward(BackwardRules.PassThrough(self, asView: shape != self.Shape));
        copy.Record(result);
        return result;
    }

    /// <summary>view: the strides must allow it (ATen's "view size is not compatible with input tensor's size and stride").</summary>
    private ActivationTensor ViewOrThrow(ActivationTensor self, TensorShape target, LayerCall op)
    {
        if (self.LayoutNotFollowed)
        {
            throw new Layers.UnknownArgumentException(new UnknownValue(
                $"whether view can take {self.Shape} as {target} depends on strides that came from a layer given a strided input, "
                + $"which are not followed", null));
        }
        if (TensorLayout.TryView(self.Shape, TensorLayout.NonContiguousStridesOf(self), target, trace!.Decide, out var strides, out var exact))
            return trace.View(self, target, strides, exact: exact);
        throw op.Mismatch(
            $"view of {self.Shape} as {target} is not possible over its strides (a transposed or sliced tensor); use reshape or contiguous() first");
    }

    private ActivationTensor Unsqueeze(ActivationTensor self, int at)
    {
        var shape = new TensorShape(self.Shape.Dims.Take(at).Append(Dim.Of(1)).Concat(self.Shape.Dims.Skip(at)));
        return trace!.ViewWithStrides(self, shape, TensorLayout.Unsqueezed(self.Shape, TensorLayout.ExactStridesOf(self), at));
    }

    private ActivationTensor Squeeze(ActivationTensor self, Value dim, LayerCall op)
    {
        int? only = dim is IntValue squeezeDim
            ? self.Shape.Axis(squeezeDim.Pin()) ?? throw op.Mismatch($"squeeze({squeezeDim.Pin()}) of {self.Shape}")
            : null;
        if (dim is not (IntValue or NullValue)) throw op.Mismatch($"squeeze({dim.Describe()})");
        var kept = Enumerable.Range(0, self.Shape.Rank)
            .Where(i => !((only is null || only == i) && trace!.Decide.IsOne(self.Shape[i], "squeeze")))
            .ToList();
        // At batch 1, squeeze() drops the batch dimension as well: batch 1's shapes are not the other batches'.
        if (kept.Count < self.Shape.Rank && Enumerable.Range(0, self.Shape.Rank).Any(i => !kept.Contains(i) && self.Shape[i].BatchPower > 0))
        {
            throw new UnknownArgumentException(new UnknownValue("squeeze() of a tensor whose batch dimension may be 1", null));
        }
        var shape = new TensorShape(kept.Select(i => self.Shape[i]));
        var exact = TensorLayout.ExactStridesOf(self);
        return trace!.ViewWithStrides(self, shape, kept.Select(i => exact[i]).ToArray());
    }

    private ActivationTensor Expand(ActivationTensor self, IReadOnlyList<Dim> target)
    {
        var shape = new TensorShape(target);
        return trace!.ViewWithStrides(self, shape, TensorLayout.Expanded(self.Shape, TensorLayout.ExactStridesOf(self), target, trace.Decide));
    }
}

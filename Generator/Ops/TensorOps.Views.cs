using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Ops;

/// <summary>
/// Ops that view a tensor, or copy it where no view exists, decided from strides as ATen decides (see
/// <see cref="TensorLayout"/>): one rule for view, reshape, flatten, contiguous and the reshapes inside matmul.
/// </summary>
internal static partial class TensorOps
{
    private static IEnumerable<TensorOpRule> Views()
    {
        yield return new(TensorOp.View, "a view; a shape error where the strides allow none", c =>
            ViewOrThrow(c.Forward, c.Self, Reshape(c.Self.Shape, c.Arg(0), c.Op), c.Op))
        {
            Names = ["view"], Forms = TensorOpForms.Method | TensorOpForms.Internal, StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Reshape, "a view where the strides allow one, else a contiguous copy", c =>
            ReshapeOrCopy(c.Forward, c.Self, Reshape(c.Self.Shape, c.Arg(0), c.Op), c.At))
        {
            Names = ["reshape"],
        };
        yield return new(TensorOp.Flatten, "as the Flatten layer", c => c.Forward.RunRule(LayerRules.Find("Flatten")!.Forward!,
            c.Forward.NewLayerCall("Flatten", c.Self, c.At,
                ("start_dim", c.Arg(0) is NullValue ? new IntValue(0) : c.Arg(0)),
                ("end_dim", c.Arg(1) is NullValue ? new IntValue(-1) : c.Arg(1))), c.At))
        {
            Names = ["flatten"],
        };
        yield return new(TensorOp.Transpose, "a permuted view", Transpose) { Names = ["transpose", "swapaxes"] };
        yield return new(TensorOp.TransposeMatrix, "a permuted view of a 2-d tensor", c =>
            c.Self.Shape.Rank == 2 ? c.Trace.Permute(c.Self, new[] { 1, 0 }) : null)
        {
            Names = ["t"],
        };
        yield return new(TensorOp.Permute, "a permuted view", Permute) { Names = ["permute"] };
        yield return new(TensorOp.ReverseDimensions, "every dimension reversed (PyTorch's deprecated form for other than 2-d)", c =>
            c.Trace.Permute(c.Self, Enumerable.Range(0, c.Self.Shape.Rank).Reverse().ToList()))
        {
            Names = ["T"], Forms = TensorOpForms.Property,
        };
        yield return new(TensorOp.SwapLastTwo, "the last two dimensions swapped, a view", c =>
            c.Self.Shape.Rank >= 2 ? SwapLastTwo(c.Forward, c.Self, view: true) : null)
        {
            Names = ["mT"], Forms = TensorOpForms.Property,
        };
        yield return new(TensorOp.Unsqueeze, "a view with a size-1 dimension inserted", c =>
        {
            if (c.Arg(0) is not IntValue dim) return null;
            var insertAt = dim.Pin() < 0 ? dim.Pin() + c.Self.Shape.Rank + 1 : dim.Pin();
            if (insertAt < 0 || insertAt > c.Self.Shape.Rank) throw c.Op.Mismatch($"unsqueeze({dim.Pin()}) of {c.Self.Shape}");
            return Unsqueeze(c.Forward, c.Self, (int)insertAt);
        })
        {
            Names = ["unsqueeze"],
        };
        yield return new(TensorOp.Squeeze, "a view without size-1 dimensions; unknown where the batch may be 1", c =>
            Squeeze(c.Forward, c.Self, c.Arg(0), c.Op))
        {
            Names = ["squeeze"],
        };
        yield return new(TensorOp.Expand, "a view with stride-0 dimensions", c =>
        {
            if (c.Arg(0) is not ListValue sizes) return null;
            var self = c.Self;
            if (sizes.Items.Count < self.Shape.Rank) throw c.Op.Mismatch($"expand({sizes.Describe()}) of {self.Shape} has fewer dimensions");
            var offset = sizes.Items.Count - self.Shape.Rank;
            var expanded = sizes.Items.Select((s, i) => IsInferredSize(s) ? self.Shape[i - offset] : ToDim(s, c.Op)).ToList();
            // ATen expands only size-1 dimensions: any other must already have the target size (a guard where it follows T).
            for (var i = 0; i < self.Shape.Rank; i++)
            {
                var (from, to) = (self.Shape[i], expanded[i + offset]);
                if (from == to) continue;
                if (!from.IsConstant())
                    throw new UnknownArgumentException(new UnknownValue($"expand({sizes.Describe()}) of the batch dimension of {self.Shape}", c.At));
                if (from != Dim.Of(1))
                    throw c.Op.Mismatch($"expand({sizes.Describe()}) of {self.Shape}: dimension {i} has size {from}, neither {to} nor 1");
            }
            return Expand(c.Forward, self, expanded);
        })
        {
            Names = ["expand"],
        };
        // ATen repeats each index as unsqueeze(dim + 1), expand, a contiguous clone (also for one repeat) and a flattening
        // view (measured allocation for allocation against that chain, and by the fuzzer).
        yield return new(TensorOp.RepeatInterleave, "each index n times along dim: unsqueeze, expand, a contiguous copy, flatten", c =>
        {
            if (c.Arg(0) is not IntValue { } repeats || repeats.Pin() < 0 || c.Arg(1) is not IntValue dim || c.Arg(2) is not NullValue)
                return null;
            var axis = c.Self.Shape.Axis(dim.Pin()) ?? throw c.Op.Mismatch($"repeat_interleave along dim {dim.Pin()} of {c.Self.Shape}");
            var unsqueezed = Unsqueeze(c.Forward, c.Self, axis + 1);
            var expanded = Expand(c.Forward, unsqueezed, unsqueezed.Shape.With(axis + 1, Dim.Of(repeats.Pin())).Dims.ToList());
            var copy = ContiguousCopy(c.Forward, expanded, expanded.Shape, c.At);
            var flattened = c.Forward.RunRule(LayerRules.Find("Flatten")!.Forward!, c.Forward.NewLayerCall("Flatten", copy, c.At,
                ("start_dim", new IntValue(axis)), ("end_dim", new IntValue(axis + 1))), c.At);
            foreach (var between in new[] { unsqueezed, expanded, copy }) c.Trace.Dispose(between);
            return flattened;
        })
        {
            Names = ["repeat_interleave"],
        };
        // ATen's repeat fills one new contiguous tensor and keeps nothing; its backward reshapes the gradient to split each
        // repeated dimension and sums the repeats away: one tensor of the input's size, or the gradient itself where nothing
        // repeats. Leading new dimensions are summed one at a time first, which was not measured.
        yield return new(TensorOp.Repeat, "a contiguous tensor of the repeated size; keeps nothing; backward sums the repeats "
            + "into one tensor of the input's size", c =>
        {
            if (c.Arg(0) is not ListValue { Items: var items } || items.Any(i => i is not IntValue)) return null;
            var repeats = items.Cast<IntValue>().Select(i => i.Pin()).ToList();
            if (repeats.Count < c.Self.Shape.Rank)
                throw c.Op.Mismatch($"repeat({string.Join(", ", repeats)}) of {c.Self.Shape}: fewer repeats than dimensions");
            if (repeats.Any(r => r <= 0)) return null;
            var leading = repeats.Count - c.Self.Shape.Rank;
            var dims = repeats.Select((r, i) => i < leading ? Dim.Of(r) : c.Self.Shape[i - leading].Times(Dim.Of(r))).ToList();
            var result = c.Op.Output(new TensorShape(dims));
            // A transient of 32 bytes per repeated dimension lives with the result until repeat returns (measured, with and
            // without autograd, for 2 to 4 dimensions).
            c.Op.Release(c.Op.NativeBuffer(new ByteCount(32 * repeats.Count, 0)));
            if (leading > 0 && c.Op.RecordsGraph)
            {
                c.Op.PeakNotModeled("Peak is unknown: repeat's backward over new leading dimensions sums them one at a time, "
                    + "which was not measured.");
            }
            c.Op.Backward(repeats.All(r => r == 1) ? BackwardRules.PassThrough(c.Self) : BackwardRules.Pointwise(c.Self, 1));
            return c.Recorded(result);
        })
        {
            Names = ["repeat"],
        };
        yield return new(TensorOp.Contiguous, "itself where contiguous, else a contiguous copy", c =>
            c.Self.IsContiguous ? c.Self : ContiguousCopy(c.Forward, c.Self, c.Self.Shape, c.At))
        {
            Names = ["contiguous"],
        };
        yield return new(TensorOp.Copy, "the contiguous copy reshape and contiguous() make (CloneBackward)", null)
        {
            Names = ["copy"], Forms = TensorOpForms.Internal, StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Clone, "a copy in the source's layout", c =>
        {
            c.Op.Backward(BackwardRules.PassThrough(c.Self));
            return c.Recorded(c.Op.Output(c.Self.Shape, strides: TensorLayout.PreservedLike(c.Self.Shape, c.Self.Strides, c.Trace.Decide)));
        })
        {
            Names = ["clone"], StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Detach, "a handle on the same storage that needs no gradient", c =>
            new ActivationTensor(c.Self.Shape, c.Self.ElementType, c.Self.Storage, requiresGrad: false, c.Self.Strides))
        {
            Names = ["detach"],
        };
        yield return new(TensorOp.To, "to(ScalarType), to_type, type_as(other): itself in its own type, else a converted copy in its layout", c =>
        {
            // to_type's copy: true copies even to its own type, and disposeAfter frees the input: neither is followed.
            if (c.Args.Any(a => a.Key is "copy" or "disposeAfter" && a.Value is not BoolValue { Flag: false })) return null;
            var target = c.Arg(0) is ActivationTensor other ? other.ElementType
                : c.Arg(0) is EnumValue { MemberName: var name } ? ScalarTypes.Parse(name) : null;
            if (target is not { } type) return null;
            var self = c.Self;
            return type == self.ElementType ? self
                : c.Recorded(c.Op.Output(self.Shape, type, TensorLayout.PreservedLike(self.Shape, self.Strides, c.Trace.Decide)));
        })
        {
            Names = ["to", "to_type", "type_as"],
        };
        yield return new(TensorOp.Alias, "at::alias: what indices that view nothing return (AliasBackward hands the gradient on)", null)
        {
            Names = ["alias"], Forms = TensorOpForms.Internal,
        };
    }

    private static Value? Transpose(TensorOpCall c)
    {
        if (c.Arg(0) is not IntValue a || c.Arg(1) is not IntValue b) return null;
        var self = c.Self;
        var first = self.Shape.Axis(a.Pin()) ?? throw c.Op.Mismatch($"dim {a.Pin()} is outside {self.Shape}");
        var second = self.Shape.Axis(b.Pin()) ?? throw c.Op.Mismatch($"dim {b.Pin()} is outside {self.Shape}");
        return c.Trace.Permute(self, Enumerable.Range(0, self.Shape.Rank).Select(i => i == first ? second : i == second ? first : i).ToList());
    }

    private static Value? Permute(TensorOpCall c)
    {
        var self = c.Self;
        if (c.Arg(0) is not ListValue order || !order.Items.All(i => i is IntValue) || order.Items.Count != self.Shape.Rank) return null;
        var axes = order.Items
            .Select(i => self.Shape.Axis(((IntValue)i).Pin()) ?? throw c.Op.Mismatch($"permute({order.Describe()}) of {self.Shape}"))
            .ToList();
        if (axes.Distinct().Count() != axes.Count) throw c.Op.Mismatch($"permute({order.Describe()}) repeats a dimension");
        return c.Trace.Permute(self, axes);
    }

    /// <summary>reshape: a view where the strides allow one, else a contiguous copy (clone, then view).</summary>
    internal static ActivationTensor ReshapeOrCopy(ForwardSemantics f, ActivationTensor self, TensorShape target, LocationInfo? at)
    {
        if (TensorLayout.TryView(self.Shape, TensorLayout.NonContiguousStridesOf(self), target, f.Trace.Decide, out var strides, out var exact))
            return f.Trace.View(self, target, strides, exact: exact);
        return ContiguousCopy(f, self, target, at);
    }

    /// <summary>
    /// A contiguous copy (clone in the contiguous format, as reshape and contiguous() make): its backward hands the
    /// incoming gradient back as it is (CloneBackward), to the source view's own backward.
    /// </summary>
    internal static ActivationTensor ContiguousCopy(ForwardSemantics f, ActivationTensor self, TensorShape shape, LocationInfo? at)
    {
        var copy = f.NewOp("copy", new Value[] { self }, at);
        var result = copy.Output(shape);
        copy.TransposeCopyBuffer(self);
        copy.Backward(BackwardRules.PassThrough(self, asView: shape != self.Shape));
        copy.Record(result);
        return result;
    }

    /// <summary>view: the strides must allow it (ATen's "view size is not compatible with input tensor's size and stride").</summary>
    private static ActivationTensor ViewOrThrow(ForwardSemantics f, ActivationTensor self, TensorShape target, LayerCall op)
    {
        if (self.LayoutNotFollowed)
        {
            throw new UnknownArgumentException(new UnknownValue(
                $"whether view can take {self.Shape} as {target} depends on strides that came from a layer given a strided input, "
                + $"which are not followed", null));
        }
        if (TensorLayout.TryView(self.Shape, TensorLayout.NonContiguousStridesOf(self), target, f.Trace.Decide, out var strides, out var exact))
            return f.Trace.View(self, target, strides, exact: exact);
        throw op.Mismatch(
            $"view of {self.Shape} as {target} is not possible over its strides (a transposed or sliced tensor); use reshape or contiguous() first");
    }

    private static ActivationTensor Unsqueeze(ForwardSemantics f, ActivationTensor self, int at)
    {
        var shape = new TensorShape(self.Shape.Dims.Take(at).Append(Dim.Of(1)).Concat(self.Shape.Dims.Skip(at)));
        return f.Trace.ViewWithStrides(self, shape, TensorLayout.Unsqueezed(self.Shape, TensorLayout.ExactStridesOf(self), at));
    }

    internal static ActivationTensor Squeeze(ForwardSemantics f, ActivationTensor self, Value dim, LayerCall op)
    {
        int? only = dim is IntValue squeezeDim
            ? self.Shape.Axis(squeezeDim.Pin()) ?? throw op.Mismatch($"squeeze({squeezeDim.Pin()}) of {self.Shape}")
            : null;
        if (dim is not (IntValue or NullValue)) throw op.Mismatch($"squeeze({dim.Describe()})");
        var kept = Enumerable.Range(0, self.Shape.Rank)
            .Where(i => !((only is null || only == i) && f.Trace.Decide.IsOne(self.Shape[i], "squeeze")))
            .ToList();
        // At batch 1, squeeze() drops the batch dimension as well: batch 1's shapes are not the other batches'.
        if (kept.Count < self.Shape.Rank && Enumerable.Range(0, self.Shape.Rank).Any(i => !kept.Contains(i) && self.Shape[i].BatchPower > 0))
        {
            throw new UnknownArgumentException(new UnknownValue("squeeze() of a tensor whose batch dimension may be 1", null));
        }
        var shape = new TensorShape(kept.Select(i => self.Shape[i]));
        var exact = TensorLayout.ExactStridesOf(self);
        return f.Trace.ViewWithStrides(self, shape, kept.Select(i => exact[i]).ToArray());
    }

    internal static ActivationTensor Expand(ForwardSemantics f, ActivationTensor self, IReadOnlyList<Dim> target)
    {
        var shape = new TensorShape(target);
        return f.Trace.ViewWithStrides(self, shape, TensorLayout.Expanded(self.Shape, TensorLayout.ExactStridesOf(self), target, f.Trace.Decide));
    }

    internal static Dim ToDim(Value value, LayerCall op) => value switch
    {
        IntValue i when i.AtLeast(0) => new Dim(i.Peek, 0, i.Form),
        DimValue d => d.Dim,
        UnknownValue unknown => throw new UnknownArgumentException(unknown),
        var other => throw op.Mismatch($"{other.Describe()} is not a size"),
    };

    /// <summary>A -1 in view/reshape/expand sizes: inferred (reading a size pins it, as any use of its value does).</summary>
    private static bool IsInferredSize(Value size) => size is IntValue number && number.EqualsConstant(-1);

    /// <summary>view/reshape: one -1 is inferred from the element count; otherwise the counts must agree.</summary>
    private static TensorShape Reshape(TensorShape from, Value sizes, LayerCall op)
    {
        var items = sizes is ListValue list ? list.Items : new List<Value> { sizes };
        var inferred = items.Count(IsInferredSize);
        if (inferred > 1) throw op.Mismatch("only one dimension can be -1");
        var known = items.Where(i => !IsInferredSize(i)).Select(i => ToDim(i, op)).ToList();
        var knownCount = known.Aggregate(Dim.Of(1), (a, b) => a.Times(b));
        var total = from.ElementCount;
        var text = "(" + string.Join(", ", items.Select(i => i.Describe())) + ")";
        if (inferred == 1)
        {
            var missing = total.DividedBy(knownCount) ?? throw op.Mismatch($"cannot view {from} ({total} elements) as {text}");
            return new TensorShape(items.Select(i => IsInferredSize(i) ? missing : ToDim(i, op)));
        }
        if (knownCount != total) throw op.Mismatch($"cannot view {from} ({total} elements) as {text} ({knownCount} elements)");
        return new TensorShape(known);
    }
}

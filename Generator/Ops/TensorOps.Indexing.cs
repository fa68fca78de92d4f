using System;
using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Ops;

/// <summary>tensor[...]: integers select (the dimension goes), Colon keeps, Slice narrows, None adds a 1, Ellipsis fills; a view.</summary>
internal static partial class TensorOps
{
    private static IEnumerable<TensorOpRule> Indexing()
    {
        yield return new(TensorOp.Index, "a chain of views (select, slice, unsqueeze) as ATen applies the indices", null)
        {
            Names = ["index"], Forms = TensorOpForms.Indexer,
        };
        // x.select(dim, i) is x[.., .., i] with the integer at dim: ATen's select, one view (the [CLS] token's x.select(1, 0)).
        yield return new(TensorOp.Select, "a view without the dimension, as an integer index", c =>
        {
            if (c.Arg(0) is not IntValue dim || c.Arg(1) is not IntValue position) return null;
            var axis = c.Self.Shape.Axis(dim.Pin()) ?? throw c.Op.Mismatch($"select along dim {dim.Pin()} of {c.Self.Shape}");
            var indices = Enumerable.Repeat<Value>(new TensorIndexValue("Colon"), axis).Append(position).ToList();
            return Index(c.Forward, c.Self, indices, c.At);
        })
        {
            Names = ["select"],
        };
        // x.narrow(dim, start, length): ATen's narrow is slice(dim, start, start + length), one view recorded even over the
        // whole dimension (where an index chain skips a whole-dimension slice). A negative start counts from the end.
        yield return new(TensorOp.Narrow, "a view of length elements from start along dim (ATen's slice)", c =>
        {
            if (c.Arg(0) is not IntValue dim || c.Arg(1) is not IntValue start || c.Arg(2) is not IntValue length) return null;
            var axis = c.Self.Shape.Axis(dim.Pin()) ?? throw c.Op.Mismatch($"narrow along dim {dim.Pin()} of {c.Self.Shape}");
            var size = c.Self.Shape.Dims[axis];
            var from = start.Pin();
            if (from < 0)
            {
                if (!size.IsConstant()) return c.Forward.Record(new UnknownValue("narrow from the end of a batch-sized dimension", c.At));
                from += size.PinCoefficient();
            }
            if (from < 0 || length.Pin() < 0 || size.IsConstant() && from + length.Pin() > size.PinCoefficient())
                throw c.Op.Mismatch($"narrow({dim.Pin()}, {start.Pin()}, {length.Pin()}) is outside {c.Self.Shape}");
            var indices = Enumerable.Repeat<Value>(new TensorIndexValue("Colon"), axis)
                .Append(new TensorIndexValue("Slice", new IntValue(from), new IntValue(from + length.Pin()))).ToList();
            return Index(c.Forward, c.Self, indices, c.At, recordWholeSlices: true);
        })
        {
            Names = ["narrow"],
        };
        yield return new(TensorOp.IndexSelect, "a new contiguous tensor, the dimension as long as the index; keeps the index; "
            + "backward zeros of the input's size, index_add_ of the gradient into them", IndexSelect)
        {
            Names = ["index_select"],
        };
        yield return new(TensorOp.Gather, "a new tensor of the index's shape; keeps the index; backward zeros of the input's size, "
            + "scatter_add_ of the gradient into them", Gather)
        {
            Names = ["gather"],
        };
    }

    /// <summary>
    /// The indices must lie within the dimension they pick from, and their values are data the analysis does not see: they
    /// fit the profiled size, where the step runs. Along the batch, or along a size the sequence or parametric formulas vary
    /// (a run at another length: seed 28's arange(0, 4) into a length of 1 throws), whether they fit is unknown.
    /// </summary>
    private static UnknownValue? IndicesOutOfSight(TensorOpCall c, int axis)
    {
        var size = c.Self.Shape[axis];
        if (size.BatchPower != 0 || size.Form is not null)
            return new UnknownValue($"{c.Name} along a dimension whose size varies (whether its indices fit is data)", c.At);
        return null;
    }

    /// <summary>
    /// x.index_select(dim, index): ATen's index_select writes a new contiguous tensor with the dimension as long as the 1-d
    /// integer index; autograd keeps the index (and only the input's sizes); backward is zeros of the input's size with
    /// the gradient index_add_ed into them, one tensor.
    /// </summary>
    private static Value? IndexSelect(TensorOpCall c)
    {
        if (c.Arg(1) is UnknownValue unknown) return c.Forward.Record(unknown);
        if (c.Arg(0) is not IntValue dim || c.Arg(1) is not ActivationTensor index) return null;
        var axis = c.Self.Shape.Axis(dim.Pin()) ?? throw c.Op.Mismatch($"index_select along dim {dim.Pin()} of {c.Self.Shape}");
        if (IndicesOutOfSight(c, axis) is { } outOfSight) return c.Forward.Record(outOfSight);
        if (index.ElementType is not (ScalarType.Int64 or ScalarType.Int32) || index.Shape.Rank > 1)
            throw c.Op.Mismatch($"index_select needs a 1-d Int64 or Int32 index, got {index.ElementType} {index.Shape}");
        var length = index.Shape.Rank == 0 ? Dim.Of(1) : index.Shape[0];
        // Of a strided input ATen's kernel holds more while it runs (measured: 176 B per sample more than the result for a
        // transposed [B, 12, 6] input), which was not followed.
        if (!c.Self.IsContiguous)
            c.Op.PeakNotModeled("Peak is unknown: index_select of a strided tensor holds work tensors while it runs, which were not measured.");
        var result = c.Op.Output(new TensorShape(c.Self.Shape.Dims.Select((d, i) => i == axis ? length : d)));
        if (c.Op.RecordsGraph) c.Op.Save(index);
        c.Op.Backward(BackwardRules.Pointwise(c.Self, 1));
        return c.Recorded(result);
    }

    /// <summary>
    /// x.gather(dim, index): a new tensor of the index's shape (same rank as the input, Int64); autograd keeps the index;
    /// backward is zeros of the input's size with the gradient scatter_add_ed into them, one tensor.
    /// </summary>
    private static Value? Gather(TensorOpCall c)
    {
        if (c.Arg(1) is UnknownValue unknown) return c.Forward.Record(unknown);
        if (c.Arg(0) is not IntValue dim || c.Arg(1) is not ActivationTensor index) return null;
        var axis = c.Self.Shape.Axis(dim.Pin()) ?? throw c.Op.Mismatch($"gather along dim {dim.Pin()} of {c.Self.Shape}");
        if (IndicesOutOfSight(c, axis) is { } outOfSight) return c.Forward.Record(outOfSight);
        if (index.ElementType != ScalarType.Int64 || index.Shape.Rank != c.Self.Shape.Rank)
            throw c.Op.Mismatch($"gather needs an Int64 index of the input's rank, got {index.ElementType} {index.Shape} for {c.Self.Shape}");
        // The index must fit the input in every other dimension; ATen checks it where both are known.
        for (var i = 0; i < index.Shape.Rank; i++)
        {
            if (i != axis && index.Shape[i].IsConstant() && c.Self.Shape[i].IsConstant()
                && index.Shape[i].PinCoefficient() > c.Self.Shape[i].PinCoefficient())
                throw c.Op.Mismatch($"gather's index {index.Shape} is larger than the input {c.Self.Shape} in dimension {i}");
        }
        // An expanded index takes ATen's sorting path for scatter_add_ in backward, and a strided input other kernel paths:
        // neither was measured.
        if (!index.IsContiguous) return null;
        if (!c.Self.IsContiguous) c.Op.PeakNotModeled("Peak is unknown: gather of a strided tensor was not measured.");
        var result = c.Op.Output(index.Shape);
        if (c.Op.RecordsGraph) c.Op.Save(index);
        c.Op.Backward(BackwardRules.Pointwise(c.Self, 1));
        return c.Recorded(result);
    }

    /// <param name="recordWholeSlices">Record a slice over a whole dimension too, as narrow does (an index chain skips it).</param>
    internal static Value Index(ForwardSemantics f, ActivationTensor tensor, IReadOnlyList<Value> indices, LocationInfo? at,
        bool recordWholeSlices = false)
    {
        var op = f.NewOp("index", new Value[] { tensor }, at);
        // tensor[params TensorIndex[]] arrives as one array.
        if (indices is [ListValue packed]) indices = packed.Items;
        try
        {
            var consuming = indices.Count(i => i is not TensorIndexValue { Kind: "None" or "Ellipsis" });
            if (consuming > tensor.Shape.Rank) throw op.Mismatch($"{consuming} indices into {tensor.Shape}");
            // ATen applies the indices left to right, one view op each (select, slice, unsqueeze); a full slice is no op.
            // Backward undoes them one at a time, so the chain of views is kept.
            var current = tensor;
            var steps = new List<ActivationTensor>();
            var axis = 0;
            ActivationTensor Step(TensorShape shape, IReadOnlyList<Dim> strides, bool slice = true)
            {
                current = f.Trace.ViewWithStrides(current, shape, strides, slice);
                steps.Add(current);
                return current;
            }
            foreach (var written in indices)
            {
                var index = AsTensorIndex(written);
                var dims = current.Shape.Dims.ToList();
                // ATen's strides, size-1 dimensions' included: they decide later layouts (channels-last, at batch 1).
                var strides = TensorLayout.ExactStridesOf(current).ToList();
                switch (index)
                {
                    case IntValue position:
                        var size = dims[axis];
                        if (size.IsConstant() && (position.Pin() >= size.PinCoefficient() || position.Pin() < -size.PinCoefficient()))
                            throw op.Mismatch($"index {position.Pin()} is outside dimension {axis} of {tensor.Shape}");
                        dims.RemoveAt(axis);
                        strides.RemoveAt(axis);
                        Step(new TensorShape(dims), strides);
                        break;
                    // TorchSharp runs a lone slice index as Tensor.slice, which records a slice even over the whole
                    // dimension; among several indices ATen skips the whole-dimension ones (measured).
                    case TensorIndexValue { Kind: "Colon" } when indices.Count == 1:
                        Step(current.Shape, strides);
                        axis++;
                        break;
                    case TensorIndexValue { Kind: "Colon" }:
                        axis++;
                        break;
                    case TensorIndexValue { Kind: "None" }:
                        Step(new TensorShape(dims.Take(axis).Append(Dim.Of(1)).Concat(dims.Skip(axis))),
                            TensorLayout.Unsqueezed(current.Shape, strides, axis), slice: false);
                        axis++;
                        break;
                    case TensorIndexValue { Kind: "Ellipsis" }:
                        axis += tensor.Shape.Rank - consuming;
                        break;
                    case TensorIndexValue { Kind: "Slice" } slice:
                        var length = SliceLength(dims[axis], slice, op);
                        var every = slice.StepValue?.Pin() ?? 1;
                        if (length != dims[axis] || every != 1 || indices.Count == 1 || recordWholeSlices)
                        {
                            strides[axis] = strides[axis].Times(Dim.Of(every));
                            dims[axis] = length;
                            Step(new TensorShape(dims), strides);
                        }
                        axis++;
                        break;
                    case UnknownValue unknown:
                        return f.Record(unknown);
                    default:
                        return f.Record(new UnknownValue($"indexing with {index.Describe()} is not modeled", at));
                }
            }
            // Only the last view reaches TorchSharp; the ones between are ATen's own.
            foreach (var between in steps.Take(steps.Count - 1)) f.Trace.Dispose(between);
            return steps.Count > 0 ? current : f.Trace.AliasOp(tensor);
        }
        catch (ShapeMismatchException mismatch)
        {
            return f.Mismatch(mismatch.Message, at, new Value[] { tensor });
        }
        catch (UnknownArgumentException unknown)
        {
            return f.Record(unknown.Unknown.Location is null ? new UnknownValue(unknown.Unknown.Reason, at) : unknown.Unknown);
        }
    }

    /// <summary>
    /// TorchSharp's implicit conversions to TensorIndex: <c>^k</c> is Single(-k); a Range <c>a..b</c> is Slice(a, b), a
    /// from-end bound negative, <c>..</c>'s missing start 0 and a missing or <c>^0</c> end open.
    /// </summary>
    private static Value AsTensorIndex(Value index)
    {
        static Value Bound(Value? bound, bool end) => bound switch
        {
            null => end ? NullValue.Instance : new IntValue(0),
            FromEndIndexValue { Offset: 0 } when end => NullValue.Instance,
            FromEndIndexValue fromEnd => new IntValue(-fromEnd.Offset),
            _ => bound,
        };
        switch (index)
        {
            case FromEndIndexValue fromEnd:
                return new IntValue(-fromEnd.Offset);
            case RangeValue range:
                var (start, stop) = (Bound(range.Start, end: false), Bound(range.End, end: true));
                if (new[] { start, stop }.OfType<UnknownValue>().FirstOrDefault() is { } unknown) return unknown;
                return start is IntValue first && stop is IntValue or NullValue
                    ? new TensorIndexValue("Slice", first, stop as IntValue)
                    : new UnknownValue($"the range {range.Describe()}", null);
            default:
                return index;
        }
    }

    private static Dim SliceLength(Dim size, TensorIndexValue slice, LayerCall op)
    {
        var step = slice.StepValue?.Pin() ?? 1;
        if (step <= 0) throw op.Mismatch("slice steps must be positive");
        var from = slice.StartValue is not { } start || start.EqualsConstant(0) ? 0 : (long?)null;
        // The whole dimension (x[.., .., ..]): its size as it is, a sequence length's polynomial included.
        if (from == 0 && slice.StopValue is null && step == 1) return size;
        if (!size.IsConstant())
        {
            return from == 0 && slice.StopValue is null && step == 1 ? size
                : throw new UnknownArgumentException(new UnknownValue("a slice of the batch dimension", null));
        }
        // [..t] of a longer dimension, t a polynomial (a sequence length): t long where 0 <= t <= size, as guards.
        if (from == 0 && step == 1 && slice.StopValue is { Form: not null } stop && stop.AtLeast(0)
            && stop.AtMost(new IntValue(size.PeekCoefficient, size.Form)))
        {
            return new Dim(stop.Peek, 0, stop.Form);
        }
        long Clamp(long value) => Math.Max(0, Math.Min(size.PinCoefficient(), value < 0 ? value + size.PinCoefficient() : value));
        var first = Clamp(slice.StartValue?.Pin() ?? 0);
        var last = Clamp(slice.StopValue?.Pin() ?? size.PinCoefficient());
        // An empty tensor: what ops and backward allocate for one was never measured (a sequence of length 1 sliced at 11:13).
        if (last <= first) throw new UnknownArgumentException(new UnknownValue("a slice that leaves no elements (an empty tensor)", null));
        return Dim.Of((last - first + step - 1) / step);
    }
}

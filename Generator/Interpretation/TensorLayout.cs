using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// Strides over a tensor's storage, in elements, and the decisions ATen (libtorch 2.10) takes from them: whether a view
/// is possible or a reshape copies (<c>computeStride</c>), whether a tensor is contiguous, and the layout of a pointwise
/// op's result (TensorIterator's <c>reorder_dimensions</c>). A null stride list stands for the contiguous strides.
/// </summary>
internal static class TensorLayout
{
    public static Dim[] ContiguousStrides(TensorShape shape)
    {
        var strides = new Dim[shape.Rank];
        var next = Dim.Of(1);
        for (var i = shape.Rank - 1; i >= 0; i--)
        {
            strides[i] = next;
            next = next.Times(shape[i]);
        }
        return strides;
    }

    public static IReadOnlyList<Dim> StridesOf(ActivationTensor tensor) => tensor.Strides ?? ContiguousStrides(tensor.Shape);

    /// <summary>The strides as ATen has them, size-1 dimensions' included (see <see cref="ActivationTensor.ExactStrides"/>).</summary>
    public static IReadOnlyList<Dim> ExactStridesOf(ActivationTensor tensor) =>
        tensor.Strides ?? tensor.ExactStrides ?? ContiguousStrides(tensor.Shape);

    /// <summary>ATen's strides where they are not the contiguous ones, size-1 dimensions' included; null where they are.</summary>
    public static IReadOnlyList<Dim>? NonContiguousStridesOf(ActivationTensor tensor) => tensor.Strides ?? tensor.ExactStrides;

    /// <summary>Strides to record as exact: null where they are the contiguous ones, size-1 dimensions' included.</summary>
    public static IReadOnlyList<Dim>? OddSizeOneStrides(TensorShape shape, IReadOnlyList<Dim> strides) =>
        strides.SequenceEqual(ContiguousStrides(shape)) ? null : strides;

    /// <summary>ATen's is_contiguous: the strides of the dimensions larger than 1 are the contiguous ones.</summary>
    public static bool IsContiguous(TensorShape shape, IReadOnlyList<Dim>? strides, BatchDecisions decide)
    {
        if (strides is null) return true;
        var expected = Dim.Of(1);
        for (var i = shape.Rank - 1; i >= 0; i--)
        {
            if (decide.IsOne(shape[i], "a size-1 dimension")) continue;
            if (!decide.Equal(strides[i], expected, "a strided tensor")) return false;
            expected = expected.Times(shape[i]);
        }
        return true;
    }

    /// <summary>The strides to keep: null where they are the contiguous ones.</summary>
    public static IReadOnlyList<Dim>? Normalized(TensorShape shape, IReadOnlyList<Dim>? strides, BatchDecisions decide) =>
        IsContiguous(shape, strides, decide) ? null : strides;

    /// <summary>
    /// ATen's computeStride: whether a tensor of <paramref name="shape"/> and <paramref name="strides"/> can be viewed as
    /// <paramref name="target"/> (else view throws and reshape copies), and the view's strides (null: contiguous).
    /// </summary>
    public static bool TryView(TensorShape shape, IReadOnlyList<Dim>? strides, TensorShape target, BatchDecisions decide,
        out IReadOnlyList<Dim>? viewStrides) =>
        TryView(shape, strides, target, decide, out viewStrides, out _);

    /// <summary>The same, with the view's size-1 strides where they are not the contiguous ones (<paramref name="exact"/>).</summary>
    public static bool TryView(TensorShape shape, IReadOnlyList<Dim>? strides, TensorShape target, BatchDecisions decide,
        out IReadOnlyList<Dim>? viewStrides, out IReadOnlyList<Dim>? exact)
    {
        viewStrides = null;
        exact = null;
        if (strides is null || shape.Rank == 0) return true;
        var found = ViewStrides(shape, strides, target, decide);
        if (found is null) return false;
        viewStrides = Normalized(target, found, decide);
        if (viewStrides is null) exact = OddSizeOneStrides(target, found);
        return true;
    }

    private static IReadOnlyList<Dim>? ViewStrides(TensorShape shape, IReadOnlyList<Dim> strides, TensorShape target, BatchDecisions decide)
    {
        var result = new Dim[target.Rank];
        var viewAxis = target.Rank - 1;
        var chunkBase = strides[shape.Rank - 1];
        Dim tensorCount = Dim.Of(1), viewCount = Dim.Of(1);
        for (var axis = shape.Rank - 1; axis >= 0; axis--)
        {
            tensorCount = tensorCount.Times(shape[axis]);
            var chunkEnds = axis == 0
                || (!decide.IsOne(shape[axis - 1], "a size-1 dimension")
                    && !decide.Equal(strides[axis - 1], tensorCount.Times(chunkBase), "a reshape"));
            if (!chunkEnds) continue;
            while (viewAxis >= 0 && (decide.Less(viewCount, tensorCount, "a reshape") || decide.IsOne(target[viewAxis], "a size-1 dimension")))
            {
                result[viewAxis] = viewCount.Times(chunkBase);
                viewCount = viewCount.Times(target[viewAxis]);
                viewAxis--;
            }
            if (!decide.Equal(viewCount, tensorCount, "a reshape")) return null;
            if (axis > 0)
            {
                chunkBase = strides[axis - 1];
                tensorCount = Dim.Of(1);
                viewCount = Dim.Of(1);
            }
        }
        return viewAxis == -1 ? result : null;
    }

    public static IReadOnlyList<Dim> Permuted(IReadOnlyList<Dim> strides, IReadOnlyList<int> sourceAxes) =>
        sourceAxes.Select(a => strides[a]).ToArray();

    /// <summary>expand: new leading dimensions and grown size-1 dimensions get stride 0.</summary>
    public static IReadOnlyList<Dim> Expanded(TensorShape shape, IReadOnlyList<Dim> strides, IReadOnlyList<Dim> target, BatchDecisions decide)
    {
        var leading = target.Count - shape.Rank;
        return target.Select((size, i) => i < leading ? Dim.Of(0)
            : decide.Equal(shape[i - leading], size, "an expand") ? strides[i - leading] : Dim.Of(0)).ToArray();
    }

    /// <summary>unsqueeze(at): ATen gives the new dimension the stride size × stride of the one it goes before (1 at the end).</summary>
    public static IReadOnlyList<Dim> Unsqueezed(TensorShape shape, IReadOnlyList<Dim> strides, int at) =>
        strides.Take(at).Append(at >= shape.Rank ? Dim.Of(1) : shape[at].Times(strides[at])).Concat(strides.Skip(at)).ToArray();

    /// <summary>ATen's is_non_overlapping_and_dense: some order of the dimensions larger than 1 is contiguous.</summary>
    public static bool IsNonOverlappingAndDense(TensorShape shape, IReadOnlyList<Dim>? strides, BatchDecisions decide)
    {
        if (strides is null) return true;
        var order = SortedByStride(shape, strides, decide);
        var required = Dim.Of(1);
        foreach (var axis in order)
        {
            if (decide.Less(shape[axis], Dim.Of(2), "a size-1 dimension")) return true;
            if (!decide.Equal(strides[axis], required, "a strided tensor")) return false;
            required = required.Times(shape[axis]);
        }
        return true;
    }

    /// <summary>
    /// The strides of a pointwise op's result (TensorIterator): contiguous where every input is; the inputs' own strides
    /// where they all share them, dense; otherwise contiguous in the order <c>reorder_dimensions</c> reads off the inputs'
    /// strides (broadcast dimensions ignored). Inputs are given with their shapes and strides, 0-d scalars left out.
    /// </summary>
    public static IReadOnlyList<Dim>? PointwiseResult(TensorShape output, IReadOnlyList<(TensorShape Shape, IReadOnlyList<Dim>? Strides)> inputs,
        BatchDecisions decide) =>
        Normalized(output, PointwiseStrides(output, inputs, decide), decide);

    /// <summary>
    /// The same strides as ATen sets them, size-1 dimensions' included (null: the contiguous ones): at batch 1 a result
    /// can be contiguous while its size-1 strides still make it channels-last (measured: relu of a sliced [1, 3, 1, 1]).
    /// </summary>
    public static IReadOnlyList<Dim>? PointwiseStrides(TensorShape output, IReadOnlyList<(TensorShape Shape, IReadOnlyList<Dim>? Strides)> inputs,
        BatchDecisions decide)
    {
        var tensors = inputs.Where(i => i.Shape.Rank > 0).ToList();
        if (tensors.All(t => t.Strides is null || IsContiguous(t.Shape, t.Strides, decide)))
            return SameShapes(output, tensors) ? null : ReorderedResult(output, tensors, decide);
        // compute_fast_setup_type's next case: all channels-last contiguous gives the canonical channels-last strides, size-1
        // dimensions' included (measured: elu of a permuted [N, C, 1, W] view).
        if (SameShapes(output, tensors) && tensors.All(t => IsChannelsLastContiguous(t.Shape, t.Strides, decide)))
            return ChannelsLastStrides(output);
        if (SameShapes(output, tensors) && tensors.All(t => IsNonOverlappingAndDense(t.Shape, t.Strides, decide))
            && tensors.Skip(1).All(t =>
                SameStrides(t.Strides ?? ContiguousStrides(t.Shape), tensors[0].Strides ?? ContiguousStrides(tensors[0].Shape), decide)))
        {
            return tensors[0].Strides;
        }
        return ReorderedResult(output, tensors, decide);
    }

    /// <summary>
    /// empty_like/clone with the preserved format: the same strides when dense, else dense in the order of the strides
    /// (infer_dense_strides; measured: a clone of a permuted, expanded view stays permuted, a slice's is contiguous).
    /// </summary>
    public static IReadOnlyList<Dim>? PreservedLike(TensorShape shape, IReadOnlyList<Dim>? strides, BatchDecisions decide) =>
        strides is null ? null
        : IsNonOverlappingAndDense(shape, strides, decide) ? Normalized(shape, strides, decide)
        : Normalized(shape, ReorderedResult(shape, new List<(TensorShape, IReadOnlyList<Dim>?)> { (shape, strides) }, decide), decide);

    /// <summary>
    /// A 4-d (5-d) tensor whose strides ATen reads as channels-last (is_channels_last_strides_2d/3d, what
    /// suggest_memory_format answers): convolutions, pools and norms then run other kernels and return channels-last
    /// results, and cat allocates its result channels-last when all its inputs are.
    /// </summary>
    public static bool IsChannelsLastLike(TensorShape shape, IReadOnlyList<Dim>? strides, BatchDecisions decide)
    {
        if (strides is null || shape.Rank is not (4 or 5)) return false;
        var minimum = Dim.Of(0);
        foreach (var axis in shape.Rank == 4 ? new[] { 1, 3, 2, 0 } : new[] { 1, 4, 3, 2, 0 })
        {
            if (decide.Less(strides[axis], minimum, "a channels-last layout")) return false;
            if (axis == 0 && decide.Equal(minimum, strides[1], "a channels-last layout")) return false;
            minimum = decide.IsOne(shape[axis], "a size-1 dimension") ? strides[axis] : strides[axis].Times(shape[axis]);
        }
        return true;
    }

    /// <summary>
    /// A matrix laid out as the transpose of a contiguous one (strides [1, rows]): ATen copies it into a contiguous
    /// tensor block by block through a work buffer (<see cref="TransposeCopyBlock"/> elements) once it has that many.
    /// </summary>
    public static bool IsTransposedMatrix(TensorShape shape, IReadOnlyList<Dim>? strides, BatchDecisions decide) =>
        shape.Rank == 2 && strides is not null && !IsContiguous(shape, strides, decide)
        && decide.Equal(strides[0], Dim.Of(1), "a transposed matrix") && decide.Equal(strides[1], shape[0], "a transposed matrix");

    /// <summary>
    /// The elements of that work buffer, 60 × 60, and the size from which it is used (measured: 60×60 and 3×1200 use it, 7×514 not).
    /// </summary>
    public const long TransposeCopyBlock = 3600;

    /// <summary>ATen's BLAS check for a matrix operand: one unit stride, the other at least the size it steps over.</summary>
    public static bool IsBlasReady(TensorShape matrix, IReadOnlyList<Dim>? strides, BatchDecisions decide)
    {
        if (strides is null) return true;
        // Compared as sizes (a stride of B is a unit stride in batch 1's pass).
        bool Ready(int unit, int other) => decide.Equal(strides[unit], Dim.Of(1), "a unit stride") && !decide.IsZero(strides[other])
            && (decide.IsOne(matrix[unit], "a size-1 dimension") || !decide.Less(strides[other], matrix[unit], "a matrix's leading stride"));
        return Ready(1, 0) || Ready(0, 1);
    }

    /// <summary>is_contiguous(ChannelsLast): a 4-d tensor dense in channels-last order, size-1 dimensions' strides aside.</summary>
    public static bool IsChannelsLastContiguous(TensorShape shape, IReadOnlyList<Dim>? strides, BatchDecisions decide)
    {
        if (shape.Rank != 4) return false;
        var actual = strides ?? ContiguousStrides(shape);
        // The channels' unit stride first: most tensors fail it without a comparison that may depend on the batch size.
        if (actual[1] != Dim.Of(1) && !decide.IsOne(shape[1], "a size-1 dimension")) return false;
        var expected = ChannelsLastStrides(shape);
        return Enumerable.Range(0, 4)
            .All(d => decide.IsOne(shape[d], "a size-1 dimension") || decide.Equal(actual[d], expected[d], "a channels-last layout"));
    }

    /// <summary>A 4-d or 5-d shape's channels-last strides: the channels innermost, then the spatial dimensions, the batch outermost.</summary>
    public static IReadOnlyList<Dim> ChannelsLastStrides(TensorShape shape)
    {
        var strides = new Dim[shape.Rank];
        var next = Dim.Of(1);
        foreach (var axis in new[] { 1 }.Concat(Enumerable.Range(2, shape.Rank - 2).Reverse()).Append(0))
        {
            strides[axis] = next;
            next = next.Times(shape[axis]);
        }
        return strides;
    }

    private static bool SameShapes(TensorShape output, List<(TensorShape Shape, IReadOnlyList<Dim>? Strides)> tensors) =>
        tensors.All(t => t.Shape.Rank == output.Rank
            && t.Shape.Dims.Zip(output.Dims, (a, b) => a.BatchPower == b.BatchPower && a.PeekCoefficient == b.PeekCoefficient).All(x => x));

    internal static bool SameStrides(IReadOnlyList<Dim> a, IReadOnlyList<Dim> b, BatchDecisions decide) =>
        a.Count == b.Count && a.Zip(b, (x, y) => decide.Equal(x, y, "a pointwise op's layout")).All(x => x);

    private static List<int> SortedByStride(TensorShape shape, IReadOnlyList<Dim> strides, BatchDecisions decide)
    {
        var order = new List<int>();
        foreach (var axis in Enumerable.Range(0, shape.Rank))
        {
            var at = order.Count;
            while (at > 0 && ComesBefore(axis, order[at - 1])) at--;
            order.Insert(at, axis);
        }
        return order;

        bool ComesBefore(int a, int b)
        {
            if (decide.Less(shape[a], Dim.Of(2), "a size-1 dimension")) return false;
            if (decide.Less(shape[b], Dim.Of(2), "a size-1 dimension")) return true;
            return decide.Less(strides[a], strides[b], "a strided tensor");
        }
    }

    /// <summary>TensorIterator's reorder_dimensions over broadcast inputs, then contiguous strides in that order.</summary>
    private static IReadOnlyList<Dim>? ReorderedResult(TensorShape output, List<(TensorShape Shape, IReadOnlyList<Dim>? Strides)> tensors,
        BatchDecisions decide)
    {
        var rank = output.Rank;
        // Each input's strides over the output's dimensions: 0 where it broadcasts.
        var operands = tensors.Select(t =>
        {
            var strides = t.Strides ?? ContiguousStrides(t.Shape);
            var offset = rank - t.Shape.Rank;
            return Enumerable.Range(0, rank).Select(i => i < offset ? Dim.Of(0)
                : decide.IsOne(t.Shape[i - offset], "a broadcast") && !decide.IsOne(output[i], "a broadcast") ? Dim.Of(0)
                : strides[i - offset]).ToArray();
        }).ToList();
        // perm[0] is the fastest-moving dimension.
        var perm = Enumerable.Range(0, rank).Reverse().ToArray();
        int ShouldSwap(int dim0, int dim1)
        {
            foreach (var strides in operands)
            {
                Dim stride0 = strides[dim0], stride1 = strides[dim1];
                if (decide.IsZero(stride0) || decide.IsZero(stride1)) continue;
                if (decide.Less(stride0, stride1, "a pointwise op's layout")) return -1;
                if (decide.Less(stride1, stride0, "a pointwise op's layout")) return 1;
                if (decide.Less(output[dim1], output[dim0], "a pointwise op's layout")) return 1;
            }
            return 0;
        }
        for (var i = 1; i < rank; i++)
        {
            var dim1 = i;
            for (var dim0 = i - 1; dim0 >= 0; dim0--)
            {
                var comparison = ShouldSwap(perm[dim0], perm[dim1]);
                if (comparison > 0)
                {
                    (perm[dim0], perm[dim1]) = (perm[dim1], perm[dim0]);
                    dim1 = dim0;
                }
                else if (comparison < 0)
                {
                    break;
                }
            }
        }
        if (perm.Select((axis, i) => axis == rank - 1 - i).All(x => x)) return null;
        var result = new Dim[rank];
        var next = Dim.Of(1);
        foreach (var axis in perm)
        {
            result[axis] = next;
            next = next.Times(output[axis]);
        }
        return result;
    }
}

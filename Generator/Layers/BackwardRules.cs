using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// What each op's backward allocates (libtorch 2.10's derivatives.yaml formulas, measured on TorchSharp 0.107 CPU with
/// the allocation tracker, op by op): the plans the backward simulation runs. Sizes follow the tensors, so one plan
/// holds for every shape and batch size.
/// </summary>
internal static class BackwardRules
{
    /// <summary>A Scalar operand is wrapped in a 0-d tensor (8 bytes) and promoted (4 more) while the backward computes with it.</summary>
    private static readonly ByteCount WrappedScalar = new(12, 0);

    /// <summary>
    /// A pointwise op whose backward makes <paramref name="allocations"/> tensors of the input's size and hands on the
    /// last (relu, sigmoid, exp, gelu: 1; abs: sgn and the product, 2; pow(2): self.pow(1), the scaled copy and the
    /// product, 3). A Scalar operand (mul/div by a number, mean, sqrt's 2 · result, pow's exponent ·) is wrapped just
    /// before the allocation it takes part in, number <paramref name="scalarWith"/>, and freed right after it (measured:
    /// sqrt's before its first, pow's before its second).
    /// </summary>
    public static BackwardPlan Pointwise(ActivationTensor input, int allocations, int? scalarWith = null)
    {
        var plan = new BackwardPlanBuilder();
        if (!input.RequiresGrad) return plan.Build();
        var size = BackwardPlanBuilder.BytesOf(input);
        for (var i = 0; i < allocations; i++)
        {
            if (i == scalarWith) plan.Allocate(WrappedScalar);
            plan.Allocate(size);
            if (i == scalarWith) plan.Free(WrappedScalar);
        }
        for (var i = 1; i < allocations; i++) plan.Free(size);
        plan.Hand(input, size);
        return plan.Build();
    }

    /// <summary>
    /// add/sub of a Scalar, clone: the incoming gradient is handed on as it is; a reshape that copied (clone, then
    /// _unsafe_view) hands on grad.reshape(…), a view of it.
    /// </summary>
    public static BackwardPlan PassThrough(ActivationTensor input, bool asView = false)
    {
        var plan = new BackwardPlanBuilder();
        if (input.RequiresGrad) plan.HandIncoming(input, asView: asView);
        return plan.Build();
    }

    /// <summary>
    /// split/chunk/unbind: cat (stack) of the parts' gradients, one tensor of the input's size, contiguous (measured). A
    /// part that got no gradient costs a zeros tensor of its size first, which the backward engine adds.
    /// </summary>
    public static BackwardPlan Join(ActivationTensor input)
    {
        var plan = new BackwardPlanBuilder();
        plan.Hand(input, plan.Allocate(BackwardPlanBuilder.BytesOf(input)));
        return plan.Build();
    }

    /// <summary>
    /// add, sub, mul, div of two tensors. Each input's gradient is computed at the result's (broadcast) size: add hands
    /// the incoming gradient itself on, sub its negation for the right operand, mul the incoming times the other operand,
    /// div grad / other for the left and -grad * ((self / other) / other) for the right (three temporaries). Then each
    /// gradient of a broadcast input is summed down to its size (at::sum_to), and the full one freed.
    /// </summary>
    public static BackwardPlan Binary(string op, ActivationTensor left, ActivationTensor right, ActivationTensor result)
    {
        var plan = new BackwardPlanBuilder();
        var full = BackwardPlanBuilder.BytesOf(result.Shape, result.ElementType);
        var computed = new List<(ActivationTensor Input, bool Shared, ActivationTensor? Factor)>();
        // Measured order: the right operand's gradient first. div's is -grad * ((self / other) / other): three
        // temporaries alive with the product, freed before the left operand's grad / other.
        if (right.RequiresGrad)
        {
            if (op == "div")
            {
                for (var i = 0; i < 4; i++) plan.Allocate(full);
                for (var i = 0; i < 3; i++) plan.Free(full);
            }
            else if (op != "add")
            {
                Product(plan, full, op == "mul" ? left : null, result);
            }
            // (-grad * self / other², div's divisor gradient, is laid out as before: not followed operand by operand.)
            computed.Add((right, op == "add", op == "mul" ? left : null));
        }
        if (left.RequiresGrad)
        {
            var shared = op is "add" or "sub";
            if (!shared) Product(plan, full, op is "mul" or "div" ? right : null, result);
            computed.Add((left, shared, op is "mul" or "div" ? right : null));
        }
        var hands = new List<System.Action>();
        // The engine reduces a broadcast operand's gradient to its shape (validate_outputs) after the function returns, in
        // output order, the left operand's first: for [B, 1, 24] - [8, 1] the negated gradient is alive while both sums
        // are made (measured; seed 19 of the sequence fuzzer: the peak was 2.7% low).
        if (computed.Count == 2) computed.Reverse();
        foreach (var (input, shared, factor) in computed)
        {
            var own = BackwardPlanBuilder.BytesOf(input);
            if (input.Shape == result.Shape)
            {
                hands.Add(shared ? () => plan.HandIncoming(input) : () => plan.Hand(input, full, factor: factor));
                continue;
            }
            plan.Allocate(own);
            if (!shared) plan.Free(full);
            hands.Add(() => plan.Hand(input, own));
        }
        // The engine adds them into the inputs' buffers in the op's output order, the left operand's first: for x - x the
        // incoming gradient arrives first, so the negated one is summed out of place (measured); for t2 - t1 where t1
        // already holds that incoming gradient (t4 = t1 + t3 before), t2's buffer takes it first, so t1's sum is out of
        // place too (seed 135: in place, the peak was 7.8% low).
        foreach (var hand in hands) hand();
        return plan.Build();
    }

    /// <summary>
    /// where(condition, x, y): y's gradient where(condition, 0, grad) and x's where(condition, grad, 0), each at the
    /// result's size with the 0 as a 0-d int64 and its converted copy beside it; the engine then sums a broadcast value's
    /// gradient down, x's first (as for the binary ops).
    /// </summary>
    public static BackwardPlan Where(ActivationTensor x, ActivationTensor y, ActivationTensor result)
    {
        var plan = new BackwardPlanBuilder();
        var full = BackwardPlanBuilder.BytesOf(result.Shape, result.ElementType);
        var zero = BackwardPlanBuilder.BytesOf(new TensorShape(System.Array.Empty<Dim>()), ScalarType.Int64)
            .Plus(BackwardPlanBuilder.BytesOf(new TensorShape(System.Array.Empty<Dim>()), result.ElementType));
        var computed = new[] { y, x }.Where(t => t.RequiresGrad).ToList();
        foreach (var _ in computed)
        {
            plan.Allocate(zero);
            plan.Allocate(full);
            plan.Free(zero);
        }
        computed.Reverse();
        var hands = new List<System.Action>();
        foreach (var input in computed)
        {
            var own = BackwardPlanBuilder.BytesOf(input);
            if (input.Shape == result.Shape)
            {
                hands.Add(() => plan.Hand(input, full));
                continue;
            }
            plan.Allocate(own);
            plan.Free(full);
            hands.Add(() => plan.Hand(input, own));
        }
        foreach (var hand in hands) hand();
        return plan.Build();
    }

    /// <summary>
    /// A gradient computed as the incoming one times (or over) <paramref name="factor"/>: a factor of another type than the
    /// result is converted into a temporary first, as in forward (measured for mul and div against Bool and Int64).
    /// </summary>
    private static void Product(BackwardPlanBuilder plan, ByteCount full, ActivationTensor? factor, ActivationTensor result)
    {
        var converted = factor is not null && factor.ElementType != result.ElementType
            ? BackwardPlanBuilder.BytesOf(factor.Shape, result.ElementType)
            : (ByteCount?)null;
        if (converted is { } temporary) plan.Allocate(temporary);
        plan.Allocate(full);
        if (converted is { } done) plan.Free(done);
    }

    /// <summary>
    /// A view op's backward: a slice or select fills zeros of its source's size and copies the gradient in (a full slice
    /// too); an expand (more elements) sums the gradient down to the source's size; a view of as many elements hands the
    /// incoming gradient back as a view of it (its layout: <see cref="Analysis.BackwardEngine"/>). In batch 1's pass the
    /// batch is 1: a view that trades a size of 1 for the batch's (einsum's output at batch 1) keeps its count.
    /// </summary>
    public static BackwardPlan View(ActivationTensor source, ActivationTensor view, bool atBatchOne = false)
    {
        var plan = new BackwardPlanBuilder();
        Dim from = source.Shape.ElementCount, to = view.Shape.ElementCount;
        if (view.IsSlice || (from.BatchPower != to.BatchPower && !atBatchOne) || from.PeekCoefficient != to.PeekCoefficient)
            plan.Hand(source, plan.Allocate(BackwardPlanBuilder.BytesOf(source)));
        else plan.HandIncoming(source, asView: true);
        return plan.Build();
    }

    /// <summary>sum over dimensions: the incoming gradient expanded back to the input's size, a view of it (no tensor of its own).</summary>
    public static BackwardPlan Sum(ActivationTensor input, IReadOnlyList<int>? reducedAxes = null)
    {
        var plan = new BackwardPlanBuilder();
        if (input.RequiresGrad) plan.HandIncoming(input, asView: true, expanded: true, reducedAxes: reducedAxes);
        return plan.Build();
    }

    /// <summary>mean over dimensions: the incoming gradient expanded back and divided by the count (a tensor of the input's size).</summary>
    public static BackwardPlan Mean(ActivationTensor input) => Pointwise(input, 1, scalarWith: 0);

    /// <summary>
    /// amax/amin: the mask result == self (bool, the input's size), the count of maxima per result (Int64), whose sum
    /// goes through an Int64 copy of the mask; then grad / count (the count cast to the grad's type first) and that
    /// times the mask (the mask cast too). Hands on the product.
    /// </summary>
    public static BackwardPlan Extremum(ActivationTensor input, ActivationTensor result, IReadOnlyList<int> reducedAxes)
    {
        var plan = new BackwardPlanBuilder();
        if (!input.RequiresGrad) return plan.Build();
        var mask = BackwardPlanBuilder.BytesOf(input.Shape, ScalarType.Bool);
        var count = BackwardPlanBuilder.BytesOf(result.Shape, ScalarType.Int64);
        var reduced = BackwardPlanBuilder.BytesOf(result);
        var full = BackwardPlanBuilder.BytesOf(input);
        plan.Allocate(mask);
        plan.Allocate(count);
        var wide = plan.Allocate(BackwardPlanBuilder.BytesOf(input.Shape, ScalarType.Int64));
        plan.Free(wide);
        plan.Allocate(reduced);
        plan.Allocate(reduced);
        plan.Free(reduced);
        plan.Allocate(full);
        plan.Allocate(full);
        plan.Free(full);
        plan.Free(reduced);
        plan.Free(count);
        plan.Free(mask);
        plan.Hand(input, full, reducedAxes);
        return plan.Build();
    }

    /// <summary>
    /// cumsum: grad.flip(dim).cumsum(dim).flip(dim), one C++ expression whose temporaries live to its end: three tensors of
    /// the input's size at once, the last handed on (measured).
    /// </summary>
    public static BackwardPlan ReversedCumsum(ActivationTensor input) => Pointwise(input, 3);

    /// <summary>
    /// var and std: var_backward's (2 / dof) · grad (the reduced size, with the wrapped scalar), x.mean(dim, keepdim) (the
    /// reduced size), x − mean and the product (the input's size); hands on the product. std first makes 2 · result, the
    /// gradient divided by it and the mask result == 0 (the reduced size each).
    /// </summary>
    public static BackwardPlan Variance(ActivationTensor input, ActivationTensor result, bool standardDeviation)
    {
        var plan = new BackwardPlanBuilder();
        if (!input.RequiresGrad) return plan.Build();
        var reduced = BackwardPlanBuilder.BytesOf(result);
        var full = BackwardPlanBuilder.BytesOf(input);
        if (standardDeviation)
        {
            plan.Allocate(WrappedScalar);
            plan.Allocate(reduced);
            plan.Free(WrappedScalar);
            plan.Allocate(reduced);
            plan.Free(reduced);
            var mask = plan.Allocate(BackwardPlanBuilder.BytesOf(result.Shape, ScalarType.Bool));
            plan.Free(mask);
        }
        plan.Allocate(WrappedScalar);
        plan.Allocate(reduced);
        plan.Free(WrappedScalar);
        plan.Allocate(reduced);
        plan.Allocate(full);
        plan.Allocate(full);
        plan.Free(full);
        plan.Free(reduced);
        plan.Free(reduced);
        if (standardDeviation) plan.Free(reduced);
        plan.Hand(input, full);
        return plan.Build();
    }

    /// <summary>cat and stack: each input gets a narrow (stack: select) view of the incoming gradient, in its strides.</summary>
    public static BackwardPlan Concatenation(IEnumerable<ActivationTensor> parts, int axis)
    {
        var plan = new BackwardPlanBuilder();
        foreach (var part in parts.Where(p => p.RequiresGrad)) plan.HandIncoming(part, asView: true, axis: axis);
        return plan.Build();
    }

    /// <summary>
    /// GELU's backward runs oneDNN's kernel only on a contiguous input, which copies a strided gradient twice (see
    /// <see cref="StridedGradientCost"/>); on a strided input it is a TensorIterator kernel that takes the gradient in any
    /// layout (measured: a permuted input with a differently transposed gradient copies nothing).
    /// </summary>
    public static bool TakesAnyGradientLayout(TapeNode node) => node.Kind == "GELU" && node.Inputs.Any(i => !i.IsContiguous);

    /// <summary>
    /// Whether batch_norm's backward (instance norm's, over the [1, N·C, ...] view) runs its contiguous kernel for a
    /// gradient taken as it is: input and gradient each contiguous or channels-last contiguous, and of the same
    /// suggested memory format (Normalization.cpp's all_contiguous). Only that kernel makes the input-sized work tensor
    /// (measured: a transposed gradient runs TensorIterator reductions without it; a channels-last one at batch 1 does
    /// not). Null where not followed (a 5-d view that is not contiguous).
    /// </summary>
    public static bool? RunsContiguousNormKernel(TapeNode node, IReadOnlyList<Dim> strides, BatchDecisions decide)
    {
        if (node.Outputs.FirstOrDefault() is not { Shape.Rank: >= 3 } output) return null;
        var batched = InstanceNormBatched(output.Shape);
        if (!TensorLayout.TryView(output.Shape, strides, batched, decide, out var viewed, out var exact)) return null;
        if (TensorLayout.IsContiguous(batched, viewed, decide)) return true;
        if (batched.Rank != 4) return batched.Rank == 3 ? false : null;
        var actual = viewed ?? exact ?? TensorLayout.ContiguousStrides(batched);
        // The input (the contiguous view) suggests the contiguous format; the gradient must too.
        return TensorLayout.IsChannelsLastContiguous(batched, actual, decide) && !TensorLayout.IsChannelsLastLike(batched, actual, decide);
    }

    /// <summary>
    /// softmax over a strided input and then handed a strided gradient: measured both copying the gradient and not,
    /// depending on layouts not followed, so the peak is left unknown there.
    /// </summary>
    public static bool StridedBothWays(TapeNode node) =>
        node.Kind is "Softmax" or "LogSoftmax" && node.Inputs.Any(i => !i.IsContiguous);

    /// <summary>
    /// Whether the node hands its gradient back through views (<see cref="BackwardTrait.HandsGradientThroughViews"/>):
    /// Dropout2d/3d only on an input of another rank than their batched one.
    /// </summary>
    public static bool HandsGradientThroughViews(TapeNode node) =>
        BackwardTraits.Has(node.Kind, BackwardTrait.HandsGradientThroughViews)
        || (BackwardTraits.Has(node.Kind, BackwardTrait.HandsGradientThroughViewsOffItsRank)
            && node.Inputs.Count > 0 && node.Inputs[0].Shape.Rank != node.Kind[7] - '0' + 2);

    /// <summary>
    /// What a backward adds where its incoming gradient arrives strided (measured with a transposed gradient): the copies
    /// of <see cref="BackwardTraits.StridedCopies"/>. Null where not measured or not one rule: BatchNorm's takes another
    /// path then, and the pools' work buffers follow the gradient's layout (measured: a copy of the output's size or of
    /// the input's). See <see cref="BackwardTrait.ReplacesStridedGradient"/>.
    /// </summary>
    public static ByteCount? StridedGradientCost(TapeNode node)
    {
        if (node.Outputs.FirstOrDefault() is not { } output || BackwardTraits.StridedCopies(node.Kind) is not { } copies) return null;
        // Over 2 dimensions addmm takes a strided gradient as it is; over more, Linear's fold copies it.
        if (node.Kind == "Linear" && output.Shape.Rank < 3) return ByteCount.Zero;
        var bytes = BackwardPlanBuilder.BytesOf(output);
        return Enumerable.Repeat(bytes, copies).Aggregate(ByteCount.Zero, (sum, copy) => sum.Plus(copy));
    }

    /// <summary>
    /// The matrix products' backward (mm, bmm, addmm for a 2-d Linear) multiply the incoming gradient as it is: BLAS takes
    /// a matrix with a unit stride, else each product makes a transient copy of it (measured: a gradient of strides [8, 2]
    /// costs each of mm's two products one, after its result), which is not modeled.
    /// </summary>
    public static bool GradientNeedsBlasCopy(TapeNode node, IReadOnlyList<Dim> strides, BatchDecisions decide)
    {
        if (node.Outputs.FirstOrDefault() is not { } output || strides.Count != output.Shape.Rank || output.Shape.Rank < 2) return false;
        // Over 3 or more dimensions a gradient that folds to 2-d as a view BLAS cannot take (a slice along the last
        // dimension: stack's gradient along a new last one, Fuzz35_00545) reaches BLAS strided, as over 2.
        if (node.Kind == "Linear" && output.Shape.Rank >= 3)
            return FoldedLinearGradient(output.Shape, strides, decide) is { } folded
                && !TensorLayout.IsBlasReady(folded.Shape, folded.Strides, decide);
        if (!(node.Kind is "mm" or "bmm" || node.Kind == "Linear")) return false;
        var matrix = new TensorShape(output.Shape.Dims.Skip(output.Shape.Rank - 2));
        return !TensorLayout.IsBlasReady(matrix, strides.Skip(strides.Count - 2).ToList(), decide);
    }

    /// <summary>
    /// Whether Linear's backward folds a strided gradient to 2-d with a view BLAS takes as it is (measured at batch 1: a
    /// transposed [1, M, N] gradient folds to a transposed matrix, no copy); else reshape copies it.
    /// </summary>
    public static bool FoldsGradientWithoutCopy(TapeNode node, IReadOnlyList<Dim>? strides, BatchDecisions decide)
    {
        if (strides is null || node.Outputs.FirstOrDefault() is not { Shape.Rank: >= 3 } output) return false;
        if (IsInstanceNorm(node))
        {
            // batch_norm over input.view(1, N·C, ...) (measured: a sliced gradient is copied dense and dropped).
            return TensorLayout.TryView(output.Shape, strides, InstanceNormBatched(output.Shape), decide, out _);
        }
        if (node.Kind != "Linear") return false;
        return FoldedLinearGradient(output.Shape, strides, decide) is { } folded && TensorLayout.IsBlasReady(folded.Shape, folded.Strides, decide);
    }

    /// <summary>
    /// Whether InstanceNorm1d's backward runs batch norm's TensorIterator reductions on a strided view of its gradient:
    /// exact in one measured model (Soak105_09237), but 16 floats a sample low in others (a permuted gradient through a
    /// select: Fuzz173_03345, with or without affine parameters), which was not pinned down.
    /// </summary>
    public static bool InstanceNorm1dOnStridedGradient(TapeNode node, IReadOnlyList<Dim> strides, BatchDecisions decide) =>
        node.Kind == "InstanceNorm1d" && node.Outputs.FirstOrDefault() is { Shape.Rank: 3 } output
        && TensorLayout.TryView(output.Shape, strides, InstanceNormBatched(output.Shape), decide, out var viewed) && viewed is not null
        && !TensorLayout.IsContiguous(InstanceNormBatched(output.Shape), viewed, decide);

    private static bool IsInstanceNorm(TapeNode node) => node.Kind is "InstanceNorm1d" or "InstanceNorm2d" or "InstanceNorm3d";

    private static TensorShape InstanceNormBatched(TensorShape shape) =>
        new(new[] { Dim.Of(1), shape[0].Times(shape[1]) }.Concat(shape.Dims.Skip(2)));

    /// <summary>Linear's gradient over 3 or more dimensions folded to [rows, features] as a view, or null where reshape copies it.</summary>
    private static (TensorShape Shape, IReadOnlyList<Dim>? Strides)? FoldedLinearGradient(TensorShape shape, IReadOnlyList<Dim> strides,
        BatchDecisions decide)
    {
        var rank = shape.Rank;
        var folded = new TensorShape(new[] { shape.Dims.Take(rank - 1).Aggregate(Dim.Of(1), (a, b) => a.Times(b)), shape[rank - 1] });
        return TensorLayout.TryView(shape, strides, folded, decide, out var viewed) ? (folded, viewed) : null;
    }

    /// <summary>
    /// Linear over 3 or more dimensions runs matmul and then add_(bias) (measured on 0.107, contiguous or not): backward
    /// reaches the add first, so the bias's gradient is summed, added into .grad and freed before the weight's and the
    /// input's are made. Over 2 dimensions addmm makes all three together. The linears inside MultiheadAttention and the
    /// encoder layers are recorded as Linear (measured: BertTests' encoder, dropout 0.1, batch 3: 128 bytes high before).
    /// </summary>
    public static ParameterGradient? GradientMadeFirst(TapeNode node) =>
        node.Kind == "Linear" && node.Outputs.FirstOrDefault()?.Shape.Rank >= 3
            ? node.ParameterGradients.FirstOrDefault(g => g.Name == "bias")
            : null;

    /// <summary>
    /// mm's backward and addmm's (Linear over 2 dimensions) make a column-major operand's gradient column-major
    /// (mm_mat1_backward and mm_mat2_backward compute it transposed): a transposed matrix's gradient then comes back
    /// contiguous through the transpose (measured: no copy in a softmax behind it). bmm's are contiguous.
    /// </summary>
    /// <remarks>
    /// Linear over 3 or more dimensions folds its input to 2-d first: where that fold is a view of a column-major matrix
    /// (a transposed [1, M, K] at batch 1), its gradient comes back in the input's layout the same way (sequence fuzzer,
    /// seed 18 at batch 1: counted contiguous, so a softmax behind it was counted copying it; the peak 5.4 % high).
    /// </remarks>
    public static bool GradientFollowsColumnMajorOperand(string kind, ActivationTensor operand, BatchDecisions decide)
    {
        if (kind is not ("mm" or "Linear") || operand.Strides is not { } strides) return false;
        if (operand.Shape.Rank == 2) return IsColumnMajor(operand.Shape, strides, decide);
        if (kind != "Linear" || operand.Shape.Rank < 3) return false;
        var rank = operand.Shape.Rank;
        var rows = operand.Shape.Dims.Take(rank - 1).Aggregate(Dim.Of(1), (a, b) => a.Times(b));
        var folded = new TensorShape(new[] { rows, operand.Shape[rank - 1] });
        return TensorLayout.TryView(operand.Shape, strides, folded, decide, out var viewed) && viewed is not null
            && IsColumnMajor(folded, viewed, decide);
    }

    private static bool IsColumnMajor(TensorShape matrix, IReadOnlyList<Dim> strides, BatchDecisions decide) =>
        decide.Equal(strides[0], Dim.Of(1), "a column-major matrix") && decide.Equal(strides[1], matrix[0], "a column-major matrix");

    /// <summary>mm and bmm: grad @ rightᵀ for the left operand, leftᵀ @ grad for the right one.</summary>
    public static BackwardPlan MatrixProduct(ActivationTensor left, ActivationTensor right)
    {
        var plan = new BackwardPlanBuilder();
        foreach (var operand in new[] { left, right }.Where(o => o.RequiresGrad))
        {
            var bytes = plan.Allocate(BackwardPlanBuilder.BytesOf(operand));
            plan.Hand(operand, bytes);
        }
        return plan.Build();
    }
}

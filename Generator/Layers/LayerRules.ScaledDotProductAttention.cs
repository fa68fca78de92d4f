using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// functional.scaled_dot_product_attention(query, key, value, attn_mask, p, is_casual) on the CPU. libtorch 2.10 runs its
/// flash kernel (FlashAttentionKernel.cpp) for 4-d Float32 query, key and value of one head size and batch and head
/// count, a unit last stride, no dropout, and no mask or a [Lq, Lk] or 4-d one: this rule. Anything else takes the math
/// path, a chain of ops (<see cref="Ops.TensorOps.ScaledDotProductMath"/>). Measured on 0.107 with the allocation tracker.
/// </summary>
internal static partial class LayerRules
{
    /// <summary>scaled_dot_product_attention's arguments: query, key, value, the mask (or NullValue), p and is_casual.</summary>
    internal sealed record AttentionArguments(ActivationTensor Query, ActivationTensor Key, ActivationTensor Value, Value Mask,
        double Dropout, bool Causal)
    {
        public ActivationTensor[] Tensors => new[] { Query, Key, Value };
    }

    internal static AttentionArguments ReadAttention(LayerCall c) => new(c.Input, c.TensorAt(1), c.TensorAt(2), InputAt(c, 3),
        c.Args.Has("p") ? Probability(c.Args, "p") : 0, c.Args.Has("is_casual") && c.Args.Bool("is_casual"));

    /// <summary>
    /// Whether libtorch's CPU flash kernel takes the call (sdp_utils_cpp's checks): 4-d Float32 query, key and value of
    /// one batch, head count and head size, dense last dimensions, no dropout, and no mask or one that is not trained, of
    /// [Lq or 1, Lk or 1] last, 2-d or 4-d with batch and heads of 1 or the query's. Anything else runs the math path.
    /// </summary>
    internal static bool FlashTakes(AttentionArguments a)
    {
        ActivationTensor q = a.Query, k = a.Key, v = a.Value;
        if (!a.Tensors.All(t => t.Shape.Rank == 4 && t.ElementType == ScalarType.Float32 && TensorLayout.ExactStridesOf(t)[3] == Dim.Of(1))
            || a.Dropout != 0)
            return false;
        if (q.Shape[0] != k.Shape[0] || q.Shape[0] != v.Shape[0] || q.Shape[1] != k.Shape[1] || q.Shape[1] != v.Shape[1]
            || k.Shape[3] != q.Shape[3] || v.Shape[3] != q.Shape[3])
            return false;
        if (a.Mask is not ActivationTensor mask) return true;
        var one = Dim.Of(1);
        var dims = mask.Shape.Dims;
        bool OneOr(Dim size, Dim full) => size == one || size == full;
        return !mask.RequiresGrad && mask.Shape.Rank is 2 or 4 && OneOr(dims[mask.Shape.Rank - 2], q.Shape[2])
            && OneOr(dims[mask.Shape.Rank - 1], k.Shape[2]) && (mask.Shape.Rank == 2 || OneOr(dims[0], q.Shape[0]) && OneOr(dims[1], q.Shape[1]));
    }

    /// <summary>
    /// convert_boolean_attn_mask, which runs before either path: where(mask, 0, -inf) over two 0-d Float32 operands, a
    /// Float32 mask of the Bool one's shape, held until the call returns (measured).
    /// </summary>
    internal static ActivationTensor BoolMaskAsFloat(LayerCall c, TensorShape shape)
    {
        var scalar = new TensorShape(System.Array.Empty<Dim>());
        var operands = new[] { c.Internal(scalar, ScalarType.Float32, needsGrad: false), c.Internal(scalar, ScalarType.Float32, needsGrad: false) };
        var mask = c.Internal(shape, ScalarType.Float32, needsGrad: false);
        foreach (var operand in operands) c.Release(operand);
        return mask;
    }

    private static Value ScaledDotProductAttentionForward(LayerCall c)
    {
        var a = ReadAttention(c);
        ActivationTensor q = a.Query, k = a.Key, v = a.Value;
        var mask = a.Mask;
        if (a.Causal && mask is not NullValue) throw c.Mismatch("an attn_mask and is_casual together");
        if (!FlashTakes(a))
            throw NotModeled(c, "scaled_dot_product_attention's math path in a type other than Float32");
        if (k.Shape[2] != v.Shape[2])
            throw c.Mismatch($"query {q.Shape}, key {k.Shape} and value {v.Shape} disagree in source length");
        Dim batch = q.Shape[0], heads = q.Shape[1], target = q.Shape[2], source = k.Shape[2], headSize = q.Shape[3];
        if (!heads.IsConstant() || !target.IsConstant() || !source.IsConstant() || !headSize.IsConstant())
            throw NotModeled(c, "scaled_dot_product_attention whose heads, lengths or head size depend on the batch");
        // The lengths stay sizes (a sequence length T follows them); the head count and size are read as numbers.
        long d = headSize.PinCoefficient(), h = heads.PinCoefficient();
        // A Bool mask becomes a float one (BoolMaskAsFloat), which the kernel reads, and autograd keeps for backward.
        ActivationTensor? floatMask = null;
        switch (mask)
        {
            case NullValue:
                break;
            case ActivationTensor given:
                if (given.ElementType == ScalarType.Bool)
                {
                    floatMask = BoolMaskAsFloat(c, given.Shape);
                }
                else if (given.ElementType == ScalarType.Float32)
                {
                    floatMask = given;
                }
                else
                {
                    throw NotModeled(c, $"scaled_dot_product_attention with a {given.ElementType} mask");
                }
                break;
            default:
                throw NotModeled(c, $"scaled_dot_product_attention with attn_mask {mask.Describe()}");
        }
        // The output is laid out as the query (empty_like: a contiguous query gives a contiguous output, a transposed view
        // of [B, Lq, H, D] a transposed one; measured); logsumexp [B, Lq, H]. Backward needs the incoming gradient laid
        // out as [B, Lq, H, D] made contiguous and transposed, whatever the output's layout (measured: a contiguous
        // gradient of a contiguous output is copied, a transposed one is not).
        var output = c.Output(q.Shape, strides: TensorLayout.PreservedLike(q.Shape, q.Strides, c.Decide));
        var transposed = new[] { target.Times(Dim.Of(checked(h * d))), Dim.Of(d), Dim.Of(checked(h * d)), Dim.Of(1) };
        c.SaveNew(new TensorShape(new[] { batch, target, heads }), ScalarType.Float32);
        // Per thread: q·k blocks, their running max and sum, and an output block (qSplitSize 32, 64 or 256 by Lq; kv 512).
        var qSplit = AtMost(target, AtLeast(target, 768) ? 256 : AtLeast(target, 192) ? 64 : 32);
        var kvSplit = AtMost(source, 512);
        var threads = c.Kernels.Threads;
        var work = c.WorkBuffer(ByteCount.Of(qSplit.Times(kvSplit).Times(Dim.Of(threads)), 4)
            .Plus(ByteCount.Of(qSplit.Times(Dim.Of(checked(threads * (2 + d)))), 4)), ScalarType.Float32);
        c.Release(work);
        if (floatMask is not null)
        {
            c.Save(floatMask);
            if (!ReferenceEquals(floatMask, mask)) c.Release(floatMask);
        }
        foreach (var input in new[] { q, k, v }) c.Save(input);
        c.Save(output);
        c.Backward(ScaledDotProductAttentionBackward(c, q, k, v, h, qSplit, kvSplit, threads));
        c.GradientLaidOutAs(transposed);
        c.MeasuredKernels(CpuThreads.ScaledDotProductAttentionNote);
        return output;
    }

    /// <summary>Whether a length is at least <paramref name="bound"/>: a guard where it follows a sequence length.</summary>
    private static bool AtLeast(Dim length, long bound) => new IntValue(length.PeekCoefficient, length.Form).AtLeast(bound);

    /// <summary>min(length, cap): the block a kernel takes, a guard deciding which where the length follows T.</summary>
    private static Dim AtMost(Dim length, long cap) => AtLeast(length, cap) ? Dim.Of(cap) : length;

    /// <summary>
    /// The flash kernel's backward: zeros for the gradients of query, key and value, [B, L, H, D] made contiguous and
    /// handed back transposed whatever the inputs' layout (measured: two attentions in a row, the second's gradients
    /// reach the first in the layout it needs, without a copy), then,
    /// where the incoming gradient is not laid out as the kernel needs, a copy of it (the engine adds it), a per-thread
    /// work buffer (2 · qSplit · kvSplit floats) and each running thread's dsum (qSplit floats); all freed at its end.
    /// </summary>
    private static BackwardPlan ScaledDotProductAttentionBackward(LayerCall c, ActivationTensor q, ActivationTensor k,
        ActivationTensor v, long heads, Dim qSplit, Dim kvSplit, int threads)
    {
        var plan = new BackwardPlanBuilder();
        foreach (var input in new[] { q, k, v })
        {
            var bytes = plan.Allocate(BackwardPlanBuilder.BytesOf(input));
            var size = input.Shape[3].PinCoefficient();
            var strides = new[] { input.Shape[2].Times(Dim.Of(checked(heads * size))), Dim.Of(size), Dim.Of(checked(heads * size)), Dim.Of(1) };
            if (input.RequiresGrad) plan.Hand(input, bytes, strides: TensorLayout.Normalized(input.Shape, strides, c.Decide));
        }
        plan.Allocate(ByteCount.Of(qSplit.Times(kvSplit).Times(Dim.Of(checked(threads * 2))), 4));
        // Each thread's dsum lives while it runs its share of the B · H blocks: as many as run at once (at most the threads).
        var running = q.Shape[0].IsConstant() ? System.Math.Min(threads, q.Shape[0].PinCoefficient() * heads) : System.Math.Min(threads, heads);
        if (!q.Shape[0].IsConstant() && heads < threads)
            c.PeakNotModeled("Peak is unknown: scaled_dot_product_attention's backward runs fewer threads than there are when "
                + "batch × heads is small, which was not followed for a batch-sized batch.");
        plan.Allocate(ByteCount.Of(qSplit.Times(Dim.Of(running)), 4));
        return plan.Build();
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Ops;

/// <summary>
/// scaled_dot_product_attention's math path (attention.cpp's _scaled_dot_product_attention_math), taken where the flash
/// kernel does not (<see cref="LayerRules.FlashTakes"/>): dropout, 3-d inputs, heads or batches that broadcast, another
/// head size for the values, a strided last dimension. A Bool mask is first made a float one; then q · √s, the causal
/// mask, matmul(q, kᵀ · √s), the mask added in place, softmax, dropout and matmul(·, v), each by forward's own rule, and
/// each intermediate freed where the C++ drops it (measured: a hand-written copy of the chain keeps them all to the
/// step's end, the native one only what autograd saves).
/// </summary>
internal static partial class TensorOps
{
    internal static Value? ScaledDotProductMath(ForwardSemantics f, LayerCall call, LocationInfo? at)
    {
        var a = LayerRules.ReadAttention(call);
        if (LayerRules.FlashTakes(a) || a.Tensors.Any(t => t.ElementType != ScalarType.Float32)) return null;
        ActivationTensor q = a.Query, k = a.Key, v = a.Value;
        var op = f.NewOp("scaled_dot_product_attention", a.Tensors, at);
        if (a.Tensors.Any(t => t.Shape.Rank < 3 || t.Shape.Rank > 4))
            return Declined(f, $"scaled_dot_product_attention's math path over a {q.Shape.Rank}-d query", at);
        if (q.Shape[q.Shape.Rank - 1] != k.Shape[k.Shape.Rank - 1])
            throw op.Mismatch($"query {q.Shape} and key {k.Shape} differ in head size");
        if (a.Causal && a.Mask is not NullValue) throw op.Mismatch("an attn_mask and is_casual together");
        var size = q.Shape[q.Shape.Rank - 1];
        if (!size.IsConstant()) return Declined(f, "scaled_dot_product_attention with a head size that follows the batch", at);
        // calculate_scale's 1/√E, of which q and kᵀ each take the square root.
        var root = new RealValue(Math.Sqrt(1 / Math.Sqrt(size.PinCoefficient())));
        var mask = a.Mask switch
        {
            NullValue => null,
            ActivationTensor { RequiresGrad: true } => throw new UnknownArgumentException(
                new UnknownValue("scaled_dot_product_attention with a mask that is trained", at)),
            ActivationTensor { ElementType: ScalarType.Bool } given => LayerRules.BoolMaskAsFloat(op, given.Shape),
            ActivationTensor { ElementType: ScalarType.Float32 } given => given,
            var other => throw new UnknownArgumentException(new UnknownValue($"scaled_dot_product_attention with attn_mask {other.Describe()}", at)),
        };
        var made = new List<ActivationTensor>();
        if (mask is not null && !ReferenceEquals(mask, a.Mask)) made.Add(mask);
        var query = Made(Arithmetic(f, TensorOp.Mul, q, root, at), made);
        if (a.Causal)
        {
            var lengths = new TensorShape(new[] { q.Shape[q.Shape.Rank - 2], k.Shape[k.Shape.Rank - 2] });
            // ones(L, S, Bool).tril(), then made a float mask as a given Bool one is.
            var ones = op.Internal(lengths, ScalarType.Bool, needsGrad: false);
            var lower = op.Internal(lengths, ScalarType.Bool, needsGrad: false);
            op.Release(ones);
            made.Add(mask = LayerRules.BoolMaskAsFloat(op, lengths));
            op.Release(lower);
        }
        var last = k.Shape.Rank - 1;
        var keyT = f.Trace.Permute(k, Enumerable.Range(0, k.Shape.Rank).Select(i => i == last - 1 ? last : i == last ? last - 1 : i).ToList());
        var scaledKey = Arithmetic(f, TensorOp.Mul, keyT, root, at);
        f.Trace.Dispose(keyT);
        if (scaledKey is not ActivationTensor keyScaled) return scaledKey;
        var scores = Matmul(f, query, keyScaled, op, at);
        f.Trace.Dispose(keyScaled);
        if (scores is not ActivationTensor attention) return Release(f, made, scores);
        // attn.add_(mask): in place, nothing allocated; the mask may broadcast into the scores but not widen them.
        if (mask is not null && Broadcast(attention.Shape, mask.Shape, op) != attention.Shape)
            throw op.Mismatch($"attn_mask {mask.Shape} does not broadcast to the scores {attention.Shape}");
        // _safe_softmax: softmax, then its check for rows all masked beside the scores.
        var softmax = f.RunRule(LayerRules.Find("Softmax")!.Forward!, f.NewLayerCall("Softmax", attention, at, ("dim", new IntValue(-1))), at);
        if (softmax is ActivationTensor) SafeSoftmaxRows(op, attention.Shape);
        f.Trace.Dispose(attention);
        if (softmax is not ActivationTensor weights) return Release(f, made, softmax);
        if (a.Dropout > 0)
        {
            // at::dropout(attn, p, train: true), whatever the module's mode.
            var dropped = f.RunRule(LayerRules.Find("Dropout")!.Forward!,
                f.NewLayerCall("Dropout", weights, at, ("p", new RealValue(a.Dropout)), ("training", new BoolValue(true))), at);
            f.Trace.Dispose(weights);
            if (dropped is not ActivationTensor kept) return Release(f, made, dropped);
            weights = kept;
        }
        var output = Matmul(f, weights, v, op, at);
        f.Trace.Dispose(weights);
        return Release(f, made, output);
    }

    /// <summary>
    /// _safe_softmax's check for rows that are all -inf, beside softmax's result and the scores: a 0-d -inf, the Bool
    /// scores.eq(-inf) and its all(-1, keepdim), freed once the rows are zeroed in place (measured: 3 × 17 × 17 scores
    /// peak at q′ + scores + result + 867 + 51 + 4 B).
    /// </summary>
    private static void SafeSoftmaxRows(LayerCall op, TensorShape scores)
    {
        var rows = new TensorShape(scores.Dims.Take(scores.Rank - 1).Append(Dim.Of(1)));
        var made = new[] { op.Internal(new TensorShape(Array.Empty<Dim>()), ScalarType.Float32, needsGrad: false),
            op.Internal(scores, ScalarType.Bool, needsGrad: false), op.Internal(rows, ScalarType.Bool, needsGrad: false) };
        foreach (var tensor in made) op.Release(tensor);
    }

    private static ActivationTensor Made(Value value, List<ActivationTensor> made)
    {
        if (value is not ActivationTensor tensor) throw new UnknownArgumentException(value as UnknownValue
            ?? new UnknownValue($"scaled_dot_product_attention's scaling gave {value.Describe()}", null));
        made.Add(tensor);
        return tensor;
    }

    private static Value Release(ForwardSemantics f, List<ActivationTensor> made, Value result)
    {
        foreach (var tensor in made) f.Trace.Dispose(tensor);
        return result;
    }
}

using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// The masks libtorch 2.10's multi_head_attention_forward takes, checked the way it uses them: attn_mask is
/// unsqueezed to [1, L, S] and added to the [N·H, L, S] scores in place, so only a mask of the scores' type that
/// broadcasts to [L, S] and needs no gradient is modeled; key_padding_mask [N, S] is the mask of an out-of-place
/// masked_fill, which accepts Bool only.
/// </summary>
internal sealed record AttentionMasks(ActivationTensor? Additive, ActivationTensor? KeyPadding)
{
    public static AttentionMasks Of(LayerCall c, Value attentionMask, Value keyPaddingMask, Dim target, Dim batch, Dim source,
        ScalarType scoresType)
    {
        var additive = Tensor(c, attentionMask, "attn_mask");
        var padding = Tensor(c, keyPaddingMask, "key_padding_mask");
        if (additive is not null)
        {
            if (additive.RequiresGrad)
                throw LayerRules.NotModeled(c, $"{c.Args.Factory} with an attn_mask that needs a gradient");
            if (additive.ElementType != scoresType)
                throw LayerRules.NotModeled(c, $"{c.Args.Factory} with a {additive.ElementType} attn_mask over {scoresType} scores " +
                    "(libtorch adds the mask to the scores in place)");
            if (!BroadcastsTo(additive.Shape, target, source))
                throw LayerRules.NotModeled(c, $"{c.Args.Factory} with an attn_mask of shape {additive.Shape} (modeled: one that " +
                    $"broadcasts to [{target}, {source}])");
        }
        if (padding is not null)
        {
            if (padding.ElementType != ScalarType.Bool)
                throw c.Mismatch($"key_padding_mask must be Bool (masked_fill) but is {padding.ElementType}");
            if (padding.Shape.Rank != 2 || padding.Shape[0] != batch || padding.Shape[1] != source)
                throw c.Mismatch($"key_padding_mask must be [{batch}, {source}] (batch, source length) but is {padding.Shape}");
        }
        return new AttentionMasks(additive, padding);
    }

    private static ActivationTensor? Tensor(LayerCall c, Value value, string name) => value switch
    {
        NullValue => null,
        ActivationTensor tensor => tensor,
        UnknownValue unknown => throw new UnknownArgumentException(unknown),
        var other => throw new InvalidLayerArgumentException($"{c.Args.Factory}: {name} is {other.Describe()}"),
    };

    private static bool BroadcastsTo(TensorShape shape, Dim target, Dim source)
    {
        if (shape.Rank > 2) return false;
        var one = Dim.Of(1);
        var last = shape.Rank >= 1 ? shape[shape.Rank - 1] : one;
        var first = shape.Rank == 2 ? shape[0] : one;
        return (last == source || last == one) && (first == target || first == one);
    }
}

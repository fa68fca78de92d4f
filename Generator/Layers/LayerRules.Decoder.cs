using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// TransformerDecoderLayer, TransformerDecoder and Transformer as libtorch 2.10 runs them (TorchSharp 0.107's modules are
/// the native ones), statement by statement, so that what C++ keeps alive without autograd is followed too.
/// </summary>
internal static partial class LayerRules
{
    /// <summary>The sizes and options of one decoder (or encoder) layer.</summary>
    private sealed record StackLayer(long Model, long Heads, long FeedForward, double Dropout, bool Gelu);

    /// <summary>TransformerDecoderLayer(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask).</summary>
    private static Value DecoderLayerForward(LayerCall c) => DecoderStack(c, c.Args, 1, c.Input, c.TensorAt(1));

    /// <summary>TransformerDecoder(...): num_layers clones of the layer in turn (no final norm in TorchSharp's factory).</summary>
    private static Value DecoderForward(LayerCall c)
    {
        var layer = c.Args.Module("decoder_layer");
        if (layer.FactoryArguments is null || layer.Kind != "TransformerDecoderLayer") throw NotModeled(c, $"TransformerDecoder over a {layer.Kind}");
        return DecoderStack(c, layer.FactoryArguments, c.Args.Long("num_layers"), c.Input, c.TensorAt(1));
    }

    /// <summary>
    /// Transformer(src, tgt, src_mask, tgt_mask, memory_mask, src_key_padding_mask, tgt_key_padding_mask,
    /// memory_key_padding_mask): memory = encoder(src) with its final LayerNorm, then the decoder with its own; memory is
    /// a local that lives until the call returns.
    /// </summary>
    private static Value TransformerForward(LayerCall c)
    {
        ActivationTensor source = c.Input, target = c.TensorAt(1);
        long model = c.Args.Size("d_model");
        if (source.Shape.Rank != 3 || target.Shape.Rank != 3)
            throw c.Mismatch($"src and tgt must be 3-d [S, N, E] and [T, N, E] but are {source.Shape} and {target.Shape}");
        if (source.Shape[1] != target.Shape[1]) throw c.Mismatch($"src {source.Shape} and tgt {target.Shape} disagree in batch (dimension 1)");
        if (source.Shape[2] != Dim.Of(model) || target.Shape[2] != Dim.Of(model))
            throw c.Mismatch($"src and tgt must have {model} features (d_model) but are {source.Shape} and {target.Shape}");
        var layer = StackLayerOf(c, c.Args);
        c.WarnIfBatchFirst(source, $"[S, N, {model}]");
        var sourceMasks = AttentionMasks.Of(c, InputAt(c, 2), InputAt(c, 5), source.Shape[0], source.Shape[1], source.Shape[0], source.ElementType);
        CheckTrainable(c);
        c.MatrixProductsOverTheBatch(source.ElementType);
        var x = EncoderLayers(c, layer, c.Args.Long("num_encoder_layers"), source, sourceMasks);
        var memory = InternalLayerNorm(c, x, copyFirst: false, model, c.ElementSize(source.ElementType));
        if (!ReferenceEquals(x, source)) c.Release(x);
        var output = DecoderLayers(c, layer, c.Args.Long("num_decoder_layers"), target, memory, (3, 4, 6, 7), finalNorm: true);
        c.Release(memory);
        return output;
    }

    /// <summary>forward(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask) of a layer or a stack.</summary>
    private static Value DecoderStack(LayerCall c, LayerArgs args, long count, ActivationTensor target, ActivationTensor memory)
    {
        var layer = StackLayerOf(c, args);
        if (target.Shape.Rank != 3 || memory.Shape.Rank != 3 || target.Shape[2] != Dim.Of(layer.Model) || memory.Shape[2] != Dim.Of(layer.Model))
            throw c.Mismatch($"expects tgt [T, N, {layer.Model}] and memory [S, N, {layer.Model}] but gets {target.Shape} and {memory.Shape}");
        if (target.Shape[1] != memory.Shape[1]) throw c.Mismatch($"tgt {target.Shape} and memory {memory.Shape} disagree in batch (dimension 1)");
        c.WarnIfBatchFirst(target, $"[T, N, {layer.Model}]");
        CheckTrainable(c);
        c.MatrixProductsOverTheBatch(target.ElementType);
        return DecoderLayers(c, layer, count, target, memory, (2, 3, 4, 5), finalNorm: false);
    }

    private static StackLayer StackLayerOf(LayerCall c, LayerArgs args)
    {
        long model = args.Size("d_model"), heads = args.Size("nhead"), feedForward = args.Size("dim_feedforward");
        if (model % heads != 0) throw c.Mismatch($"d_model {model} is not divisible by nhead {heads}");
        var activation = args.Has("activation") ? args.EnumMember("activation") ?? "ReLU" : "ReLU";
        if (activation is not ("ReLU" or "GELU")) throw NotModeled(c, $"{c.Args.Factory} with activation {activation}");
        var dropout = c.ModuleInEvalMode ? 0 : Probability(args, "dropout");
        return new StackLayer(model, heads, feedForward, dropout, activation == "GELU");
    }

    private static void CheckTrainable(LayerCall c)
    {
        if (c.RecordsGraph && c.Module.Parameters.Any(p => !p.Value.RequiresGrad)) throw NotModeled(c, $"{c.Args.Factory} with frozen parameters");
    }

    /// <summary>The decoder's layers over tgt, the masks at the call's argument positions given, with or without the final LayerNorm.</summary>
    private static ActivationTensor DecoderLayers(LayerCall c, StackLayer layer, long count, ActivationTensor target, ActivationTensor memory,
        (int Target, int Memory, int TargetPadding, int MemoryPadding) masks, bool finalNorm)
    {
        Dim length = target.Shape[0], batch = target.Shape[1], source = memory.Shape[0];
        var selfMasks = AttentionMasks.Of(c, InputAt(c, masks.Target), InputAt(c, masks.TargetPadding), length, batch, length, target.ElementType);
        var crossMasks = AttentionMasks.Of(c, InputAt(c, masks.Memory), InputAt(c, masks.MemoryPadding), length, batch, source, target.ElementType);
        var size = c.ElementSize(target.ElementType);
        var x = target;
        for (var i = 0L; i < count; i++)
        {
            var next = DecoderLayerOps(c, x, memory, layer, size, selfMasks, crossMasks);
            if (!ReferenceEquals(x, target)) c.Release(x);
            x = next;
        }
        if (!finalNorm) return x;
        var output = InternalLayerNorm(c, x, copyFirst: false, layer.Model, size);
        if (!ReferenceEquals(x, target)) c.Release(x);
        return output;
    }

    /// <summary>
    /// TransformerDecoderLayerImpl::forward: tgt2 = self_attn(tgt) (no weights); tgt = norm1(tgt + dropout1(tgt2));
    /// tgt2 = multihead_attn(tgt, memory, memory); tgt = norm2(tgt + dropout2(tgt2)); tgt2 = linear2(dropout(
    /// activation(linear1(tgt)))); tgt = norm3(tgt + dropout3(tgt2)). Its activation() takes a const reference, so
    /// linear1's result lives to the end of that statement whichever the activation.
    /// </summary>
    private static ActivationTensor DecoderLayerOps(LayerCall c, ActivationTensor target, ActivationTensor memory, StackLayer layer, int size,
        AttentionMasks selfMasks, AttentionMasks crossMasks)
    {
        var (model, heads, dropout) = (layer.Model, layer.Heads, layer.Dropout);
        var (attended, _) = Attend(c, target, target, target, model, heads, model, model, bias: true, dropout, needWeights: false, selfMasks);
        // The layer's tgt is a handle copy: the caller's own keeps the input alive through the layer.
        var normed = AddAndNorm(c, target, attended, dropout, model, size, replacesTarget: false);
        var (crossed, _) = Attend(c, normed, memory, memory, model, heads, model, model, bias: true, dropout, needWeights: false, crossMasks);
        c.Release(attended);
        var normed2 = AddAndNorm(c, normed, crossed, dropout, model, size, replacesTarget: true);

        var hidden = InternalLinear(c, "linear1", normed2, layer.FeedForward, new[] { layer.FeedForward * model * size, layer.FeedForward * size });
        var activated = c.Internal(hidden.Shape);
        c.InternalOp(layer.Gelu ? "gelu" : "relu", new[] { hidden }, new[] { activated }, new[] { layer.Gelu ? hidden : activated });
        var feed = dropout > 0 ? InternalDropout(c, activated) : activated;
        var projected = InternalLinear(c, "linear2", feed, model, new[] { model * layer.FeedForward * size, model * size });
        c.Release(crossed);
        c.Release(hidden);
        c.Release(activated);
        if (dropout > 0) c.Release(feed);

        var output = AddAndNorm(c, normed2, projected, dropout, model, size, replacesTarget: true);
        c.Release(projected);
        return output;
    }

    /// <summary>
    /// tgt = tgt + dropout(tgt2); tgt = norm(tgt): the old tgt goes at the first assignment (where this local held the
    /// only handle), the sum once the norm has run.
    /// </summary>
    private static ActivationTensor AddAndNorm(LayerCall c, ActivationTensor target, ActivationTensor update, double dropout, long model, int size,
        bool replacesTarget)
    {
        var dropped = dropout > 0 ? InternalDropout(c, update) : update;
        var sum = c.Internal(target.Shape);
        c.InternalOp("add", new[] { target, dropped }, new[] { sum }, new ActivationTensor[0], passesGradientThrough: true);
        if (replacesTarget) c.Release(target);
        if (dropout > 0) c.Release(dropped);
        var normed = InternalLayerNorm(c, sum, copyFirst: false, model, size);
        c.Release(sum);
        return normed;
    }
}

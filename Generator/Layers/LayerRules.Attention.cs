using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// MultiheadAttention as libtorch 2.10's torch::nn::functional::multi_head_attention_forward runs it on CPU
/// (TorchSharp 0.107's module is the native one): its ops are put on the tape one by one, so what stays alive
/// after forward and what backward allocates follow the rules of those ops. Checked byte for byte against the
/// allocation tracker (self-attention, key = value, separate kdim/vdim projections, dropout 0 and 0.1,
/// need_weights true and false, Float32 and Float64).
/// </summary>
internal static partial class LayerRules
{
    /// <summary>MultiheadAttention(query [L, N, E], key [S, N, kdim], value [S, N, vdim]): (output [L, N, E], weights [N, L, S] or null).</summary>
    private static Value AttentionForward(LayerCall c)
    {
        ActivationTensor query = c.Input, key = c.TensorAt(1), value = c.TensorAt(2);
        c.MatrixProductsOverTheBatch(query.ElementType);
        long embed = c.Args.Long("embedded_dim"), heads = c.Args.Size("num_heads");
        long keyDim = c.Args.OptionalLong("kdim") ?? embed, valueDim = c.Args.OptionalLong("vdim") ?? embed;
        if (query.Shape.Rank != 3 || key.Shape.Rank != 3 || value.Shape.Rank != 3)
            throw c.Mismatch($"expects 3-d [L, N, E] query, key and value but gets {query.Shape}, {key.Shape}, {value.Shape}");
        if (query.Shape[2] != Dim.Of(embed)) throw c.Mismatch($"expects an embedding of {embed} but the query is {query.Shape}");
        if (key.Shape[2] != Dim.Of(keyDim) || value.Shape[2] != Dim.Of(valueDim))
            throw c.Mismatch($"expects keys of {keyDim} and values of {valueDim} features but gets {key.Shape} and {value.Shape}");
        if (key.Shape[0] != value.Shape[0] || key.Shape[1] != query.Shape[1] || value.Shape[1] != query.Shape[1])
            throw c.Mismatch($"query {query.Shape}, key {key.Shape} and value {value.Shape} disagree in batch or source length");
        if (embed % heads != 0) throw c.Mismatch($"embedded_dim {embed} is not divisible by num_heads {heads}");
        c.WarnIfBatchFirst(query, "[L, N, E] query, key and value");
        if (c.Args.Bool("add_bias_kv") || c.Args.Bool("add_zero_attn")) throw NotModeled(c, "MultiheadAttention with add_bias_kv or add_zero_attn");
        var masks = AttentionMasks.Of(c, InputAt(c, 5), InputAt(c, 3), query.Shape[0], query.Shape[1], key.Shape[0], query.ElementType);
        var needWeights = InputAt(c, 4) switch
        {
            NullValue => true,
            BoolValue flag => flag.Flag,
            UnknownValue unknown => throw new UnknownArgumentException(unknown),
            var other => throw new InvalidLayerArgumentException($"MultiheadAttention: need_weights is {other.Describe()}"),
        };
        var dropout = c.ModuleInEvalMode ? 0 : Probability(c.Args, "dropout");
        var (output, weights) = Attend(c, query, key, value, embed, heads, keyDim, valueDim, c.Args.Bool("bias"), dropout, needWeights,
            masks);
        return new TupleValue(new Value[] { output, (Value?)weights ?? NullValue.Instance });
    }

    /// <summary>The attention's ops from the in-projection to the averaged weights (null unless needed).</summary>
    private static (ActivationTensor Output, ActivationTensor? Weights) Attend(LayerCall c, ActivationTensor query, ActivationTensor key,
        ActivationTensor value, long embed, long heads, long keyDim, long valueDim, bool bias, double dropout, bool needWeights,
        AttentionMasks masks)
    {
        Dim target = query.Shape[0], batch = query.Shape[1], source = key.Shape[0];
        var headDim = embed / heads;
        var type = query.ElementType;
        TensorShape Sequence(Dim length, long features) => new(new[] { length, batch, Dim.Of(features) });
        var perHead = batch.Times(Dim.Of(heads));
        var scoresShape = new TensorShape(new[] { perHead, target, source });
        var weightsShape = new TensorShape(new[] { batch, target, source });
        // Projections (q: E·E, k: kdim·E, v: vdim·E per token), scores and context (headDim·source each per head and
        // target position), and the out-projection (E·E per token).
        c.MultiplyAccumulates(() => target.Times(batch).Times(Dim.Of(checked(2 * embed * embed))));
        c.MultiplyAccumulates(() => source.Times(batch).Times(Dim.Of(checked(embed * (keyDim + valueDim)))));
        c.MultiplyAccumulates(() => perHead.Times(target).Times(source).Times(Dim.Of(checked(2 * headDim))));

        var elementSize = c.ElementSize(type);
        var fullBias = bias ? new[] { 3 * embed * elementSize } : new long[0];
        // The in-projection: libtorch compares query, key and value by value (torch::equal) to pick self-attention
        // (one [3E, E] linear) or key = value (a [E, E] and a [2E, E] slice); separate kdim/vdim weights always
        // project three times. A slice's gradient is scattered into a zero tensor of the whole parameter.
        var separate = keyDim != embed || valueDim != embed;
        ActivationTensor q, k, v;
        if (separate || !SameTensor(key, value))
        {
            if (!separate && SameShapeOtherTensor(query, key, value))
                throw NotModeled(c, "MultiheadAttention whose query, key and value are different tensors of one shape " +
                    "(libtorch compares their values to choose the projection)");
            long[] Temps(long inFeatures) => separate
                ? new[] { embed * inFeatures * elementSize }.Concat(bias ? new[] { embed * elementSize } : new long[0]).Concat(fullBias).ToArray()
                : SliceTemps(embed, embed, elementSize, bias);
            var projectedQuery = Projection(c, "q_proj", query, Sequence(target, embed), Temps(embed));
            k = Projection(c, "k_proj", key, Sequence(source, embed), Temps(keyDim));
            v = Projection(c, "v_proj", value, Sequence(source, embed), Temps(valueDim));
            q = Scaled(c, projectedQuery);
            c.Release(projectedQuery);
        }
        else if (SameTensor(query, key))
        {
            c.PeakNote($"{c.Args.Factory}'s figures assume finite activations: libtorch picks its in-projection by comparing " +
                "query, key and value by value, and NaN (a diverged model) equals nothing, which takes another path.");
            var packed = Projection(c, "in_proj", query, Sequence(target, 3 * embed),
                new[] { 3 * embed * embed * elementSize }.Concat(fullBias).ToArray(), wholeWeight: true);
            // chunk(3, -1): the packed result's handle goes at the statement's end, the chunks hold it until replaced.
            var chunks = c.Chunks(packed, 3);
            c.Release(packed);
            q = Scaled(c, chunks[0]);
            c.Release(chunks[0]);
            k = ContiguousChunk(c, chunks[1]);
            v = ContiguousChunk(c, chunks[2]);
        }
        else
        {
            if (query.Shape == key.Shape)
                throw NotModeled(c, "MultiheadAttention whose query and key are different tensors of one shape " +
                    "(libtorch compares their values to choose the projection)");
            var projectedQuery = Projection(c, "q_proj", query, Sequence(target, embed), SliceTemps(embed, embed, elementSize, bias));
            var packed = Projection(c, "kv_proj", key, Sequence(source, 2 * embed), SliceTemps(2 * embed, embed, elementSize, bias));
            q = Scaled(c, projectedQuery);
            c.Release(projectedQuery);
            var chunks = c.Chunks(packed, 2);
            c.Release(packed);
            k = ContiguousChunk(c, chunks[0]);
            v = ContiguousChunk(c, chunks[1]);
        }

        var scores = c.Internal(scoresShape);
        c.InternalOp("bmm", new[] { q, k }, new[] { scores }, new[] { q, k });
        // attn_mask is added to the scores in place (no memory, the gradient passes through); key_padding_mask fills a
        // copy of them (masked_fill out of place), which keeps the mask for backward's grad.masked_fill(mask, 0).
        if (masks.KeyPadding is { } padding)
        {
            var filled = c.Internal(scoresShape);
            c.InternalOp("masked_fill", new[] { scores }, new[] { filled }, new[] { padding });
            c.Release(scores);
            scores = filled;
        }
        var attention = c.Internal(scoresShape);
        c.InternalOp("softmax", new[] { scores }, new[] { attention }, new[] { attention });
        c.Release(scores);
        if (dropout > 0)
        {
            var dropped = InternalDropout(c, attention);
            c.Release(attention);
            attention = dropped;
        }
        var context = c.Internal(new TensorShape(new[] { perHead, target, Dim.Of(headDim) }));
        c.InternalOp("bmm", new[] { attention, v }, new[] { context }, new[] { attention, v });
        // transpose(0, 1).contiguous(): a copy whose backward hands the gradient back as it is, or the transposed view itself
        // where it is contiguous already (one target position, or one head at batch 1).
        ActivationTensor merged;
        if (c.FirstTwoSwappedStaysContiguous(context))
        {
            var swapped = c.FirstTwoSwappedView(context);
            merged = c.ContiguousView(swapped, Sequence(target, embed));
            c.Release(swapped);
        }
        else
        {
            merged = c.Internal(Sequence(target, embed));
            c.InternalOp("contiguous", new[] { context }, new[] { merged }, new ActivationTensor[0], passesGradientThrough: true);
        }
        c.Release(context);
        var output = c.Internal(Sequence(target, embed));
        c.InternalOp("out_proj", new[] { merged }, new[] { output }, new[] { merged },
            new[] { embed * embed * elementSize }.Concat(bias ? new[] { embed * elementSize } : new long[0]), asModule: "Linear");
        c.Release(merged);
        ActivationTensor? weights = null;
        if (needWeights)
        {
            // Averaged weights: sum over heads, then divided by the head count; the scores' handle goes once both exist.
            var summed = c.Internal(weightsShape);
            c.InternalOp("sum", new[] { attention }, new[] { summed }, new ActivationTensor[0]);
            var operands = ScalarOperands(c, ScalarType.Int64, type);
            weights = c.Internal(weightsShape);
            c.InternalOp("div", new[] { summed }, new[] { weights }, new ActivationTensor[0]);
            foreach (var operand in operands) c.Release(operand);
            c.Release(summed);
        }
        c.Release(attention);
        // q, k and v are the function's locals: without autograd they are freed only when it returns.
        c.Release(q);
        c.Release(k);
        c.Release(v);
        return (output, weights);
    }

    /// <summary>CPU dropout in training: a noise tensor of the input's size and type, kept, and the product (measured).</summary>
    private static ActivationTensor InternalDropout(LayerCall c, ActivationTensor input)
    {
        var noise = c.Internal(input.Shape, input.ElementType);
        var dropped = c.Internal(input.Shape, input.ElementType);
        c.InternalOp("dropout", new[] { input }, new[] { dropped }, new[] { noise });
        c.Release(noise);
        return dropped;
    }

    private static double Probability(LayerArgs args, string name) => args.Raw(name) switch
    {
        RealValue real => real.Number,
        IntValue whole => whole.Pin(),
        UnknownValue unknown => throw new UnknownArgumentException(unknown),
        var other => throw new InvalidLayerArgumentException($"{args.Factory}: {name} is {other.Describe()}"),
    };

    /// <summary>TransformerEncoderLayer(src): libtorch's TransformerEncoderLayerImpl::forward, one layer.</summary>
    private static Value EncoderLayerForward(LayerCall c) => EncoderStack(c, c.Args, 1);

    /// <summary>TransformerEncoder(src): num_layers clones of the layer in turn (no final norm in TorchSharp's factory).</summary>
    private static Value EncoderForward(LayerCall c)
    {
        var layer = c.Args.Module("encoder_layer");
        if (layer.FactoryArguments is null || layer.Kind != "TransformerEncoderLayer") throw NotModeled(c, $"TransformerEncoder over a {layer.Kind}");
        var count = c.Args.Long("num_layers");
        return EncoderStack(c, layer.FactoryArguments, count);
    }

    /// <summary>
    /// Per layer (measured on 0.107 CPU, checked byte for byte with dropout 0 and 0.1, Float32 and Float64):
    /// src2 = self_attn(src, src, src) (averaged weights computed and dropped); ret = norm1(src + dropout1(src2));
    /// src2 = linear2(dropout(activation(linear1(ret)))); out = norm2(ret + dropout2(src2)). A non-contiguous src
    /// makes the first sum non-contiguous, and layer_norm works on a contiguous copy of it for a moment.
    /// </summary>
    private static Value EncoderStack(LayerCall c, LayerArgs args, long count)
    {
        var input = c.Input;
        c.MatrixProductsOverTheBatch(input.ElementType);
        var layer = StackLayerOf(c, args);
        if (input.Shape.Rank != 3 || input.Shape[2] != Dim.Of(layer.Model))
            throw c.Mismatch($"expects [S, N, {layer.Model}] (d_model) but gets {input.Shape}");
        c.WarnIfBatchFirst(input, $"[S, N, {layer.Model}]");
        // forward(src, src_mask, src_key_padding_mask): each layer hands them to self_attn as attn_mask and key_padding_mask.
        var masks = AttentionMasks.Of(c, InputAt(c, 1), InputAt(c, 2), input.Shape[0], input.Shape[1], input.Shape[0], input.ElementType);
        CheckTrainable(c);
        return EncoderLayers(c, layer, count, input, masks);
    }

    /// <summary>count encoder layers in turn over <paramref name="input"/>: each result replaces the last once the next is made.</summary>
    private static ActivationTensor EncoderLayers(LayerCall c, StackLayer layer, long count, ActivationTensor input, AttentionMasks masks)
    {
        var size = c.ElementSize(input.ElementType);
        var x = input;
        for (var i = 0L; i < count; i++)
        {
            var next = EncoderLayerOps(c, x, layer, size, masks);
            if (!ReferenceEquals(x, input)) c.Release(x);
            x = next;
        }
        return x;
    }

    private static ActivationTensor EncoderLayerOps(LayerCall c, ActivationTensor src, StackLayer layer, int size, AttentionMasks masks)
    {
        var (model, heads, feedForward, dropout, gelu) = (layer.Model, layer.Heads, layer.FeedForward, layer.Dropout, layer.Gelu);
        var (attended, weights) = Attend(c, src, src, src, model, heads, model, model, bias: true, dropout, needWeights: true, masks);
        if (weights is not null) c.Release(weights);
        var dropped = dropout > 0 ? InternalDropout(c, attended) : attended;
        var sum = c.Internal(src.Shape);
        c.InternalOp("add", new[] { src, dropped }, new[] { sum }, new ActivationTensor[0], passesGradientThrough: true);
        var ret = InternalLayerNorm(c, sum, copyFirst: !src.IsContiguous, model, size);
        if (dropout > 0) c.Release(dropped);
        c.Release(sum);

        var hidden = InternalLinear(c, "linear1", ret, feedForward, new[] { feedForward * model * size, feedForward * size });
        var activated = c.Internal(hidden.Shape);
        c.InternalOp(gelu ? "gelu" : "relu", new[] { hidden }, new[] { activated }, new[] { gelu ? hidden : activated });
        // F::relu takes its input by value, so linear1's result goes when it returns (logged); F::gelu takes a const
        // reference, and the result lives to the statement's end like the other temporaries.
        if (!gelu) c.Release(hidden);
        var feed = dropout > 0 ? InternalDropout(c, activated) : activated;
        var projected = InternalLinear(c, "linear2", feed, model, new[] { model * feedForward * size, model * size });
        // src2 = linear2(...): the old src2 goes at the assignment, the other temporaries at the statement's end.
        c.Release(attended);
        if (gelu) c.Release(hidden);
        c.Release(activated);
        if (dropout > 0) c.Release(feed);

        var dropped2 = dropout > 0 ? InternalDropout(c, projected) : projected;
        var sum2 = c.Internal(src.Shape);
        c.InternalOp("add", new[] { ret, dropped2 }, new[] { sum2 }, new ActivationTensor[0], passesGradientThrough: true);
        var output = InternalLayerNorm(c, sum2, copyFirst: false, model, size);
        if (dropout > 0) c.Release(dropped2);
        c.Release(sum2);
        c.Release(ret);
        c.Release(projected);
        return output;
    }

    private static ActivationTensor InternalLinear(LayerCall c, string name, ActivationTensor input, long outFeatures, long[] parameterTemps)
    {
        var output = c.Internal(input.Shape.With(input.Shape.Rank - 1, Dim.Of(outFeatures)));
        c.MultiplyAccumulates(output.Shape, () => input.Shape[input.Shape.Rank - 1].PinCoefficient());
        c.InternalOp(name, new[] { input }, new[] { output }, new[] { input }, parameterTemps, asModule: "Linear");
        return output;
    }

    /// <summary>layer_norm over the last dimension: keeps its input and per-row mean and rstd.</summary>
    private static ActivationTensor InternalLayerNorm(LayerCall c, ActivationTensor input, bool copyFirst, long model, int size)
    {
        var copy = copyFirst ? c.Internal(input.Shape) : null;
        var output = c.Internal(input.Shape);
        var rows = input.Shape.With(input.Shape.Rank - 1, Dim.Of(1));
        var mean = c.Internal(rows, input.ElementType);
        var rstd = c.Internal(rows, input.ElementType);
        c.InternalOp("layer_norm", new[] { input }, new[] { output }, new[] { input, mean, rstd }, new[] { model * size, model * size },
            scratch: LayerNormWeightGradientBuffer(c, Dim.Of(model), input.ElementType), asModule: "LayerNorm");
        if (c.RecordsGraph) c.MeasuredKernels(CpuThreads.Note(c.Kernels.Threads), CpuThreads.NormSumsMeasured);
        c.Release(mean);
        c.Release(rstd);
        if (copy is not null) c.Release(copy);
        return output;
    }

    private static Value InputAt(LayerCall c, int index) => index < c.Inputs.Count ? c.Inputs[index] : NullValue.Instance;

    internal static UnknownArgumentException NotModeled(LayerCall c, string what) =>
        new(new UnknownValue($"{what} is not modeled", c.Module.CreatedAt));

    private static bool SameTensor(ActivationTensor a, ActivationTensor b) =>
        ReferenceEquals(a.Storage, b.Storage) && a.Shape == b.Shape && a.IsContiguous == b.IsContiguous;

    private static bool SameShapeOtherTensor(ActivationTensor query, ActivationTensor key, ActivationTensor value) =>
        (query.Shape == key.Shape && !SameTensor(query, key)) || (key.Shape == value.Shape && !SameTensor(key, value));

    /// <summary>Gradient temporaries of a linear over a slice of in_proj_weight/in_proj_bias: the slice's, then the whole parameter's.</summary>
    private static long[] SliceTemps(long outFeatures, long embed, int elementSize, bool bias) =>
        bias
            ? new[] { outFeatures * embed * elementSize, 3 * embed * embed * elementSize, outFeatures * elementSize, 3 * embed * elementSize }
            : new[] { outFeatures * embed * elementSize, 3 * embed * embed * elementSize };

    /// <summary>
    /// An in-projection linear: keeps its input (or matmul's contiguous copy of it) for the weight's gradient. With
    /// <paramref name="wholeWeight"/> it is F::linear over in_proj_weight and in_proj_bias themselves, not slices of them.
    /// </summary>
    private static ActivationTensor Projection(LayerCall c, string name, ActivationTensor input, TensorShape shape, long[] parameterTemps,
        bool wholeWeight = false)
    {
        // matmul's fold of a strided input: a view, or a contiguous copy that lives until the product is made (and is kept).
        var fold = LinearFold(c, input);
        if (!fold.BlasReady)
            c.PeakNotModeled($"Peak is unknown: {c.Args.Factory}'s {name} gets an input ({input.Shape}) that matrix multiplication " +
                "copies for BLAS (no unit stride, or an expanded one); not measured.");
        var kept = fold.Copies ? c.Internal(input.Shape, input.ElementType) : input;
        var result = c.Internal(shape);
        if (!ReferenceEquals(kept, input)) c.Release(kept);
        // A parameter used as it is (an expanded query) gets the gradient of the copy first, then its reduction (measured).
        var scratch = input.Storage.IsResident && input.RequiresGrad
            ? ByteCount.Of(input.Shape.ElementCount, c.ElementSize(input.ElementType))
            : ByteCount.Zero;
        c.InternalOp(name, new[] { input }, new[] { result }, new[] { kept }, parameterTemps, scratch: scratch,
            asModule: wholeWeight ? "Linear" : null);
        return result;
    }

    /// <summary>q * scaling: a new tensor; multiplying by a number keeps nothing.</summary>
    private static ActivationTensor Scaled(LayerCall c, ActivationTensor projected)
    {
        var operands = ScalarOperands(c, ScalarType.Float64, projected.ElementType);
        var scaled = c.Internal(new TensorShape(new[] { projected.Shape[0], projected.Shape[1], c.Input.Shape[2] }));
        c.InternalOp("scale", new[] { projected }, new[] { scaled }, new ActivationTensor[0]);
        foreach (var operand in operands) c.Release(operand);
        return scaled;
    }

    /// <summary>
    /// A C++ number in a tensor op (q * scaling, a double; weights / num_heads, an int64): a 0-d tensor of its type and,
    /// where the operand's type differs, its converted copy, alive while the result is made (logged).
    /// </summary>
    private static ActivationTensor[] ScalarOperands(LayerCall c, ScalarType number, ScalarType operand)
    {
        var scalar = new TensorShape(System.Array.Empty<Dim>());
        var wrapped = c.Internal(scalar, number, needsGrad: false);
        return number == operand ? new[] { wrapped } : new[] { wrapped, c.Internal(scalar, operand, needsGrad: false) };
    }

    /// <summary>
    /// k or v: a chunk of the packed projection made contiguous, a copy whose backward hands the gradient on; autograd joins
    /// the chunks' gradients into one of the packed size (split's backward) once all have come.
    /// </summary>
    private static ActivationTensor ContiguousChunk(LayerCall c, ActivationTensor chunk)
    {
        // A chunk whose other dimensions are all 1 (batch 1, length 1) is contiguous already, and contiguous() returns it:
        // measured keeping the packed result through it in some models and not in others (seed 24), so not modeled.
        if (chunk.IsContiguous)
            throw NotModeled(c, $"{c.Args.Factory} at one position and batch 1 (whether k and v stay views of the packed projection)");
        var copy = c.Internal(chunk.Shape);
        c.InternalOp("contiguous", new[] { chunk }, new[] { copy }, new ActivationTensor[0], passesGradientThrough: true);
        c.Release(chunk);
        return copy;
    }
}

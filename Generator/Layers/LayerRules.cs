using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Parametric;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// The one table of TorchSharp 0.107 layer knowledge: a <see cref="LayerRule"/> per factory, holding its parameters,
/// its forward rule and its functional names (layers with parameters and containers here, the parameter-free ones in
/// LayerRules.ParameterFree.cs). Parameter names and shapes were measured on the real package
/// (named_parameters/named_buffers); the factories' argument names are TorchSharp's own.
/// </summary>
internal static partial class LayerRules
{
    private static readonly Dictionary<string, LayerRule> Rules = BuildTable().Concat(ParameterFreeRules()).ToDictionary(r => r.Factory);

    private static readonly Dictionary<string, LayerRule> ByFunctionalName =
        Rules.Values.SelectMany(r => r.Functional, (rule, name) => (rule, name)).ToDictionary(p => p.name, p => p.rule);

    public static LayerRule? Find(string factory) => Rules.TryGetValue(factory, out var rule) ? rule : null;

    /// <summary>The layer a <c>functional.*</c> function behaves as (<see cref="LayerRule.Functional"/>); else null.</summary>
    public static LayerRule? FindFunctional(string name) => ByFunctionalName.TryGetValue(name, out var rule) ? rule : null;

    /// <summary>
    /// The Notes' sentence for a layer whose work tensors without autograd (under no_grad, as the inference pass runs,
    /// or frozen with an input that needs no gradient) are not modeled: only its results are.
    /// </summary>
    internal static string NoGradPeakNote(LayerCall c) =>
        $"Peak is unknown: {c.Args.Factory} without autograd (under no_grad, or frozen on an input that needs no gradient) makes work " +
        $"tensors that were not measured; only its results are modeled.";

    public static IEnumerable<LayerRule> All => Rules.Values.OrderBy(r => r.Factory, System.StringComparer.Ordinal);

    private static IEnumerable<LayerRule> BuildTable()
    {
        // Linear over 3 or more dimensions copies a strided gradient (its fold); over 2, addmm takes it as it is.
        yield return new("Linear", "weight[out, in], bias[out] unless hasBias: false", forward: LinearForward, build: (a, b) =>
        {
            if (a.Has("weight"))
            {
                // Linear(Parameter weight, Parameter bias = null) registers the given tensors.
                AddGivenParameter(a, b, "weight");
                AddGivenParameter(a, b, "bias");
                return;
            }
            TrackedSize input = a.TrackedSize("inputSize"), output = a.TrackedSize("outputSize");
            b.Parameter("weight", output, input);
            if (a.Bool("hasBias")) b.Parameter("bias", output);
        })
        {
            Functional = ["linear"],
            FunctionalParameters = [("weights", "weight"), ("bias", "bias")],
            Backward = BackwardTrait.ReplacesStridedGradient,
            StridedGradientCopies = 1,
            ResultContiguous = true,
        };

        yield return new("Bilinear", "weight[out, in1, in2], bias[out] unless hasBias: false", forward: BilinearForward, build: (a, b) =>
        {
            TrackedSize in1 = a.TrackedSize("in1_features"), in2 = a.TrackedSize("in2_features"), output = a.TrackedSize("out_features");
            b.Parameter("weight", output, in1, in2);
            if (a.Bool("hasBias")) b.Parameter("bias", output);
        });

        foreach (var rank in new[] { 1, 2, 3 })
        {
            yield return new($"Conv{rank}d", "weight[out, in/groups, kernel...], bias[out] unless bias: false",
                (a, b) => Convolution(a, b, rank, transposed: false), c => ConvolutionForward(c, rank, transposed: false))
            {
                KernelRank = rank,
                // mkldnn's backward makes a strided gradient contiguous first (measured for Conv2d over five layouts, and
                // for Conv1d, a 2-d convolution of a view, over a transposed gradient as Whisper's encoder hands it back).
                StridedGradientCopies = rank <= 2 ? 1 : null,
            };
            yield return new($"ConvTranspose{rank}d", "weight[in, out/groups, kernel...], bias[out] unless bias: false",
                (a, b) => Convolution(a, b, rank, transposed: true), c => ConvolutionForward(c, rank, transposed: true))
            {
                KernelRank = rank,
                // So does the transposed one's (measured: cat's sliced gradient in a U-Net up step, DeconvolutionTests).
                StridedGradientCopies = rank == 2 ? 1 : null,
            };
            yield return new($"BatchNorm{rank}d",
                "weight[C], bias[C] if affine; running_mean[C], running_var[C], num_batches_tracked[] if track_running_stats",
                Normalization, BatchNormForward) { WeightsWithoutProducts = true };
            // Instance norm is batch norm over a reshaped view: a copy of a strided gradient where that cannot be a view.
            yield return new($"InstanceNorm{rank}d", "as BatchNorm, but affine and track_running_stats default to false", Normalization,
                InstanceNormForward)
            {
                Backward = BackwardTrait.ReplacesStridedGradient | BackwardTrait.HandsGradientThroughViews,
                StridedGradientCopies = 1,
                WeightsWithoutProducts = true,
            };
        }

        yield return new("LayerNorm", "weight[shape] if elementwise_affine, bias[shape] unless bias: false", forward: LayerNormForward,
            build: (a, b) =>
        {
            var shape = a.TrackedShape("normalized_shape");
            if (!a.Bool("elementwise_affine")) return;
            b.Parameter("weight", shape);
            if (a.Bool("bias")) b.Parameter("bias", shape);
        })
        {
            StridedGradientCopies = 1,
            WeightsWithoutProducts = true,
            ResultContiguous = true,
        };

        yield return new("GroupNorm", "weight[C], bias[C] if affine", forward: GroupNormForward, build: (a, b) =>
        {
            var groups = a.TrackedSize("num_groups");
            var channels = a.TrackedSize("num_channels");
            if (!channels.IsMultipleOf(groups))
                throw new InvalidLayerArgumentException($"GroupNorm: num_channels {channels} is not divisible by num_groups {groups}");
            if (!a.Bool("affine")) return;
            b.Parameter("weight", channels);
            b.Parameter("bias", channels);
        })
        {
            StridedGradientCopies = 1,
            WeightsWithoutProducts = true,
        };

        yield return new("Embedding", "weight[num_embeddings, embedding_dims]", (a, b) =>
            b.Parameter("weight", a.TrackedSize("num_embeddings"), a.TrackedSize("embedding_dims")), EmbeddingForward)
        {
            WeightsWithoutProducts = true,
        };
        yield return new("EmbeddingBag", "weight[num_embeddings, embedding_dims]", (a, b) =>
            b.Parameter("weight", a.TrackedSize("num_embeddings"), a.TrackedSize("embedding_dims")), EmbeddingBagForward)
        {
            WeightsWithoutProducts = true,
        };
        // from_pretrained registers a fresh parameter of the given tensor's size, trainable even when frozen (measured).
        yield return new("Embedding_from_pretrained", "weight[shape of embeddings]", (a, b) => AddCopiedParameter(a, b, "embeddings"));
        yield return new("EmbeddingBag_from_pretrained", "weight[shape of embeddings]", (a, b) => AddCopiedParameter(a, b, "embeddings"));

        // LSTM, GRU and RNN are recorded as one node each; LSTMCell and GRUCell put their ops on the tape one by one.
        yield return new("LSTM", "per layer and direction: weight_ih[4H, in], weight_hh[4H, H], bias_ih[4H], bias_hh[4H]",
            (a, b) => Recurrent(a, b, gates: 4), c => RecurrentForward(c, hasCellState: true)) { BackwardNotModeled = true };
        yield return new("GRU", "per layer and direction: weight_ih[3H, in], weight_hh[3H, H], bias_ih[3H], bias_hh[3H]",
            (a, b) => Recurrent(a, b, gates: 3), c => RecurrentForward(c, hasCellState: false)) { BackwardNotModeled = true };
        yield return new("RNN", "per layer and direction: weight_ih[H, in], weight_hh[H, H], bias_ih[H], bias_hh[H]",
            (a, b) => Recurrent(a, b, gates: 1), c => RecurrentForward(c, hasCellState: false)) { ShapeOnly = true, BackwardNotModeled = true };
        yield return new("LSTMCell", "weight_ih[4H, in], weight_hh[4H, H], bias_ih[4H], bias_hh[4H]",
            (a, b) => RecurrentCell(a, b, gates: 4), c => RecurrentCellForward(c, hasCellState: true));
        yield return new("GRUCell", "weight_ih[3H, in], weight_hh[3H, H], bias_ih[3H], bias_hh[3H]",
            (a, b) => RecurrentCell(a, b, gates: 3), c => RecurrentCellForward(c, hasCellState: false));
        yield return new("RNNCell", "weight_ih[H, in], weight_hh[H, H], bias_ih[H], bias_hh[H]",
            (a, b) => RecurrentCell(a, b, gates: 1), c => RecurrentCellForward(c, hasCellState: false))
        {
            ShapeOnly = true,
            BackwardNotModeled = true,
        };

        yield return new(
            "MultiheadAttention",
            "in_proj_weight[3E, E] (or q/k/v_proj_weight with kdim/vdim), in_proj_bias[3E], bias_k/bias_v[1, 1, E], " +
                "out_proj.weight[E, E], out_proj.bias[E]",
            (a, b) => Attention(b, "", a.TrackedSize("embedded_dim"), a.TrackedSize("num_heads"), a.Bool("bias"), a.Bool("add_bias_kv"),
                OptionalTrackedSize(a, "kdim"), OptionalTrackedSize(a, "vdim")),
            AttentionForward);

        yield return new("TransformerEncoderLayer", "self_attn, linear1[F, d], linear2[d, F], norm1, norm2", (a, b) =>
            EncoderLayer(b, "", a.TrackedSize("d_model"), a.TrackedSize("nhead"), a.TrackedSize("dim_feedforward")), EncoderLayerForward);
        yield return new("TransformerDecoderLayer", "self_attn, multihead_attn, linear1, linear2, norm1..3", (a, b) =>
            DecoderLayer(b, "", a.TrackedSize("d_model"), a.TrackedSize("nhead"), a.TrackedSize("dim_feedforward")), DecoderLayerForward);
        yield return new("TransformerEncoder", "num_layers copies of the layer as layers.{i}.*", (a, b) => StackedCopies(a, b, "encoder_layer"),
            EncoderForward);
        yield return new("TransformerDecoder", "num_layers copies of the layer as layers.{i}.*", (a, b) => StackedCopies(a, b, "decoder_layer"),
            DecoderForward);
        yield return new("Transformer", "encoder.layers.{i}.*, encoder.norm, decoder.layers.{i}.*, decoder.norm", (a, b) =>
        {
            TrackedSize model = a.TrackedSize("d_model"), heads = a.TrackedSize("nhead"), feedForward = a.TrackedSize("dim_feedforward");
            for (var i = 0L; i < a.Long("num_encoder_layers"); i++) EncoderLayer(b, $"encoder.layers.{i}.", model, heads, feedForward);
            LayerNormParameters(b, "encoder.norm.", model);
            for (var i = 0L; i < a.Long("num_decoder_layers"); i++) DecoderLayer(b, $"decoder.layers.{i}.", model, heads, feedForward);
            LayerNormParameters(b, "decoder.norm.", model);
        }, TransformerForward);

        yield return new("PReLU", "weight[num_parameters]", (a, b) => b.Parameter("weight", a.TrackedSize("num_parameters")), PReluForward)
        {
            StridedGradientCopies = 0,
            WeightsWithoutProducts = true,
        };

        yield return new("Sequential", "children named 0, 1, ... or by the given names", (a, b) =>
        {
            if (a.Ordered.Count == 0) return;
            AddItems(a, b, a.First);
        });
        yield return new("ModuleList", "children named 0, 1, ...", (a, b) =>
        {
            if (a.Ordered.Count > 0) AddItems(a, b, a.First);
        });
        yield return new("ModuleDict", "children by key", (a, b) =>
        {
            if (a.Ordered.Count > 0) AddItems(a, b, a.First);
        });
        yield return new("ParameterList", "parameters named 0, 1, ...", (a, b) => AddParameterItems(a, b));
        yield return new("ParameterDict", "parameters by key", (a, b) => AddParameterItems(a, b));
    }
}

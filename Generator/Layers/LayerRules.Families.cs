using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Parametric;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>Parameter layouts shared by several factories of the table.</summary>
internal static partial class LayerRules
{
    private static void Convolution(LayerArgs a, LayerBuilder b, int rank, bool transposed)
    {
        TrackedSize input = a.TrackedSize("in_channels"), output = a.TrackedSize("out_channels"), groups = a.TrackedSize("groups");
        if (!input.IsMultipleOf(groups) || !output.IsMultipleOf(groups))
        {
            throw new InvalidLayerArgumentException(
                $"{a.Factory}: in_channels {input.Peek} and out_channels {output.Peek} must be divisible by groups {groups.Peek}");
        }
        var kernel = a.Dims("kernel_size", rank);
        var shape = new TrackedSize[2 + rank];
        shape[0] = transposed ? input : output;
        shape[1] = transposed ? output.DividedBy(groups) : input.DividedBy(groups);
        for (var i = 0; i < rank; i++)
            shape[2 + i] = kernel[i] > 0 ? kernel[i] : throw new InvalidLayerArgumentException($"{a.Factory}: kernel sizes must be positive");
        b.Parameter("weight", shape);
        if (a.Bool("bias")) b.Parameter("bias", output);
    }

    /// <summary>BatchNorm and InstanceNorm: num_batches_tracked is Int64, or the dtype given to the factory (measured).</summary>
    private static void Normalization(LayerArgs a, LayerBuilder b)
    {
        var features = a.TrackedSize("num_features");
        if (a.Bool("affine"))
        {
            b.Parameter("weight", features);
            b.Parameter("bias", features);
        }
        if (!a.Bool("track_running_stats")) return;
        var explicitType = a.Has("dtype") ? a.DType("dtype") : null;
        b.TypedBuffer("running_mean", explicitType, features);
        b.TypedBuffer("running_var", explicitType, features);
        b.TypedBuffer("num_batches_tracked", explicitType ?? ScalarType.Int64);
    }

    private static void LayerNormParameters(LayerBuilder b, string prefix, TrackedSize size)
    {
        b.Parameter(prefix + "weight", size);
        b.Parameter(prefix + "bias", size);
    }

    private static void Recurrent(LayerArgs a, LayerBuilder b, int gates)
    {
        TrackedSize input = a.TrackedSize("inputSize"), hidden = a.TrackedSize("hiddenSize");
        var layers = a.Size("numLayers");
        var bias = a.Bool("bias");
        var directions = a.Bool("bidirectional") ? 2 : 1;
        var gateRows = gates * hidden;
        for (var layer = 0L; layer < layers; layer++)
        {
            var layerInput = layer == 0 ? input : hidden * directions;
            for (var direction = 0; direction < directions; direction++)
            {
                var suffix = $"_l{layer}{(direction == 1 ? "_reverse" : "")}";
                b.Parameter("weight_ih" + suffix, gateRows, layerInput);
                b.Parameter("weight_hh" + suffix, gateRows, hidden);
                if (!bias) continue;
                b.Parameter("bias_ih" + suffix, gateRows);
                b.Parameter("bias_hh" + suffix, gateRows);
            }
        }
    }

    private static void RecurrentCell(LayerArgs a, LayerBuilder b, int gates)
    {
        TrackedSize input = a.TrackedSize("inputSize"), hidden = a.TrackedSize("hiddenSize");
        var gateRows = gates * hidden;
        b.Parameter("weight_ih", gateRows, input);
        b.Parameter("weight_hh", gateRows, hidden);
        if (!a.Bool("bias")) return;
        b.Parameter("bias_ih", gateRows);
        b.Parameter("bias_hh", gateRows);
    }

    private static void Attention(LayerBuilder b, string prefix, TrackedSize embed, TrackedSize heads, bool bias, bool addBiasKv,
        TrackedSize? keyDim, TrackedSize? valueDim)
    {
        if (!embed.IsMultipleOf(heads))
            throw new InvalidLayerArgumentException($"MultiheadAttention: embedded_dim {embed.Peek} must be divisible by num_heads {heads.Peek}");
        TrackedSize keys = keyDim ?? embed, values = valueDim ?? embed;
        // Separate projections exactly where kdim or vdim differs from embed_dim: a decision on the sizes, so pinned.
        if (keyDim is null && valueDim is null || keys.Pin() == embed.Pin() && values.Pin() == embed.Pin())
        {
            b.Parameter(prefix + "in_proj_weight", 3 * embed, embed);
        }
        else
        {
            b.Parameter(prefix + "q_proj_weight", embed, embed);
            b.Parameter(prefix + "k_proj_weight", embed, keys);
            b.Parameter(prefix + "v_proj_weight", embed, values);
        }
        if (bias) b.Parameter(prefix + "in_proj_bias", 3 * embed);
        if (addBiasKv)
        {
            b.Parameter(prefix + "bias_k", 1, 1, embed);
            b.Parameter(prefix + "bias_v", 1, 1, embed);
        }
        b.Parameter(prefix + "out_proj.weight", embed, embed);
        if (bias) b.Parameter(prefix + "out_proj.bias", embed);
    }

    private static void FeedForward(LayerBuilder b, string prefix, TrackedSize model, TrackedSize feedForward)
    {
        b.Parameter(prefix + "linear1.weight", feedForward, model);
        b.Parameter(prefix + "linear1.bias", feedForward);
        b.Parameter(prefix + "linear2.weight", model, feedForward);
        b.Parameter(prefix + "linear2.bias", model);
    }

    private static void EncoderLayer(LayerBuilder b, string prefix, TrackedSize model, TrackedSize heads, TrackedSize feedForward)
    {
        Attention(b, prefix + "self_attn.", model, heads, bias: true, addBiasKv: false, null, null);
        FeedForward(b, prefix, model, feedForward);
        LayerNormParameters(b, prefix + "norm1.", model);
        LayerNormParameters(b, prefix + "norm2.", model);
    }

    private static void DecoderLayer(LayerBuilder b, string prefix, TrackedSize model, TrackedSize heads, TrackedSize feedForward)
    {
        Attention(b, prefix + "self_attn.", model, heads, bias: true, addBiasKv: false, null, null);
        Attention(b, prefix + "multihead_attn.", model, heads, bias: true, addBiasKv: false, null, null);
        FeedForward(b, prefix, model, feedForward);
        LayerNormParameters(b, prefix + "norm1.", model);
        LayerNormParameters(b, prefix + "norm2.", model);
        LayerNormParameters(b, prefix + "norm3.", model);
    }

    /// <summary>TransformerEncoder/Decoder clone the given layer num_layers times (they do not share it: measured).</summary>
    private static void StackedCopies(LayerArgs a, LayerBuilder b, string layerArgument)
    {
        var layer = a.Module(layerArgument);
        if (layer.Unknowns.Count > 0) throw new UnknownArgumentException(layer.Unknowns[0]);
        var count = a.Long("num_layers");
        if (count < 0) throw new InvalidLayerArgumentException($"{a.Factory}: num_layers must not be negative");
        for (var i = 0L; i < count; i++)
        {
            foreach (var parameter in layer.Parameters) b.ParameterOfCount($"layers.{i}.{parameter.Key}", parameter.Value);
        }
    }

    /// <summary>Container items; ModuleList/ModuleDict register user modules only once a parent registers them (Registration.Activate).</summary>
    private static void AddItems(LayerArgs a, LayerBuilder b, Value items)
    {
        if (items is UnknownValue unknown) throw new UnknownArgumentException(unknown);
        if (items is not ListValue list)
            throw new InvalidLayerArgumentException($"{a.Factory}: its items are not a collection the analysis can follow");
        var index = 0;
        foreach (var item in list.Items)
        {
            switch (item)
            {
                case ModuleValue module:
                    b.Child(index.ToString(System.Globalization.CultureInfo.InvariantCulture), module.Module);
                    break;
                case TupleValue { Items: [StringValue name, ModuleValue module] }:
                    b.Child(name.Text, module.Module);
                    break;
                case UnknownValue unknownItem:
                    throw new UnknownArgumentException(unknownItem);
                case TupleValue { Items: [var name, var module] } when name is UnknownValue || module is UnknownValue:
                    throw new UnknownArgumentException((name as UnknownValue ?? (UnknownValue)module)!);
                default:
                    throw new InvalidLayerArgumentException($"{a.Factory}: item {item.Describe()} is not a module");
            }
            index++;
        }
    }

    private static void AddParameterItems(LayerArgs a, LayerBuilder b)
    {
        if (a.First is UnknownValue unknown) throw new UnknownArgumentException(unknown);
        if (a.First is not ListValue list)
            throw new InvalidLayerArgumentException($"{a.Factory}: its items are not a collection the analysis can follow");
        for (var i = 0; i < list.Items.Count; i++)
        {
            switch (list.Items[i])
            {
                case TensorValue { Tensor.IsParameter: true } parameter:
                    b.Module.AddParameter(i.ToString(System.Globalization.CultureInfo.InvariantCulture), parameter.Tensor);
                    break;
                case TupleValue { Items: [StringValue name, TensorValue { Tensor.IsParameter: true } parameter] }:
                    b.Module.AddParameter(name.Text, parameter.Tensor);
                    break;
                case UnknownValue unknownItem:
                    throw new UnknownArgumentException(unknownItem);
                default:
                    throw new InvalidLayerArgumentException($"{a.Factory}: item {list.Items[i].Describe()} is not a Parameter");
            }
        }
    }

    /// <summary>Linear(weight, bias): the given Parameter objects themselves are registered.</summary>
    private static void AddGivenParameter(LayerArgs a, LayerBuilder b, string name)
    {
        switch (a.Raw(name))
        {
            case NullValue:
                return;
            case TensorValue tensor:
                b.Module.AddParameter(name, tensor.Tensor);
                return;
            case UnknownValue unknown:
                throw new UnknownArgumentException(unknown);
            case var other:
                throw new InvalidLayerArgumentException($"{a.Factory}({name}) is not a Parameter: {other.Describe()}");
        }
    }

    private static void AddCopiedParameter(LayerArgs a, LayerBuilder b, string tensorArgument)
    {
        switch (a.Raw(tensorArgument))
        {
            case TensorValue tensor:
                b.ParameterOfCount("weight", tensor.Tensor);
                return;
            case UnknownValue unknown:
                throw new UnknownArgumentException(unknown);
            case var other:
                throw new InvalidLayerArgumentException($"{a.Factory}({tensorArgument}) is not a tensor: {other.Describe()}");
        }
    }

    private static TrackedSize? OptionalTrackedSize(LayerArgs a, string name) => a.OptionalLong(name) is null ? null : a.TrackedSize(name);
}

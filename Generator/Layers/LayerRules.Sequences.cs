using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>Forward rules whose output shapes are known but whose internal allocations are not modeled yet.</summary>
internal static partial class LayerRules
{
    /// <summary>Factories whose forward rule knows the output shape but not the memory (it calls MemoryNotModeled).</summary>
    public static readonly IReadOnlyCollection<string> ShapeOnlyForward = new HashSet<string>
    {
        "LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell",
    };

    /// <summary>LSTM/GRU/RNN: (output, h_n[, c_n]); output [.., T, D·H], h_n [D·layers, N, H].</summary>
    private static Value RecurrentForward(LayerCall c, bool hasCellState)
    {
        var input = c.Input;
        if (input.Shape.Rank != 3) throw c.Mismatch($"expects a 3-d input but gets {input.Shape}");
        long hidden = c.Args.Long("hiddenSize"), layers = c.Args.Long("numLayers");
        var directions = c.Args.Bool("bidirectional") ? 2 : 1;
        var batchFirst = c.Args.Bool("batchFirst");
        var features = input.Shape[2];
        if (features != Dim.Of(c.Args.Long("inputSize"))) throw c.Mismatch($"expects {c.Args.Long("inputSize")} input features (inputSize) but gets {input.Shape}");
        var batch = batchFirst ? input.Shape[0] : input.Shape[1];
        var output = c.Output(input.Shape.With(2, Dim.Of(directions * hidden)));
        var state = new TensorShape(new[] { Dim.Of(directions * layers), batch, Dim.Of(hidden) });
        c.MemoryNotModeled();
        return hasCellState
            ? new TupleValue(new Value[] { output, c.Output(state), c.Output(state) })
            : new TupleValue(new Value[] { output, c.Output(state) });
    }

    private static Value RecurrentCellForward(LayerCall c, bool hasCellState)
    {
        var input = c.Input;
        if (input.Shape.Rank != 2 || input.Shape[1] != Dim.Of(c.Args.Long("inputSize"))) throw c.Mismatch($"expects [batch, {c.Args.Long("inputSize")}] but gets {input.Shape}");
        var state = new TensorShape(new[] { input.Shape[0], Dim.Of(c.Args.Long("hiddenSize")) });
        c.MemoryNotModeled();
        return hasCellState ? new TupleValue(new Value[] { c.Output(state), c.Output(state) }) : c.Output(state);
    }

    /// <summary>
    /// EmbeddingBag: [bags, D] from a 2-d input [bags, L] (libtorch makes the offsets, arange(0, N, L)) or a
    /// 1-d input [N] with offsets [bags]. Autograd keeps _embedding_bag's outputs (measured on 0.107 CPU, Float32
    /// and Float64, sum/mean/max, B = 2, 3): the made offsets Int64 [bags], offset2bag Int64 [N + 1] (not on the
    /// sum fast path: float32/half weights without padding_index), bag_size Int64 [bags], max_indices Int64
    /// [bags, D] in max mode and [bags] otherwise. Backward sorts the indices: three Int64 [N] buffers at once
    /// (sum and mean; the sum fast path first rebuilds offset2bag), or in max mode Int64 [bags, D], a [bags, D]
    /// gradient copy and Int64 [bags]; the weight's dense gradient is the parameter temporary.
    /// </summary>
    private static Value EmbeddingBagForward(LayerCall c)
    {
        var input = c.Input;
        if (input.ElementType is not ("Int64" or "Int32")) throw c.Mismatch($"expects integer token ids but gets {input.ElementType}");
        if (c.Args.Raw("max_norm") is not NullValue) throw new UnknownArgumentException(new UnknownValue("EmbeddingBag with max_norm (renormalizes rows in place; not modeled)", c.Module.CreatedAt));
        if (c.Args.Bool("sparse")) throw new UnknownArgumentException(new UnknownValue("EmbeddingBag with sparse gradients (not modeled)", c.Module.CreatedAt));
        if (c.Args.Bool("include_last_offset")) throw new UnknownArgumentException(new UnknownValue("EmbeddingBag with include_last_offset (not modeled)", c.Module.CreatedAt));
        if (c.Inputs.Count > 2 && c.Inputs[2] is not NullValue) throw new UnknownArgumentException(new UnknownValue("EmbeddingBag with per_sample_weights (not modeled)", c.Module.CreatedAt));
        var givenOffsets = c.Inputs.Count > 1 && c.Inputs[1] is not NullValue;
        Dim bags, tokens;
        if (input.Shape.Rank == 2)
        {
            if (givenOffsets) throw c.Mismatch("a 2-d input is one bag per row and takes no offsets");
            bags = input.Shape[0];
            tokens = input.Shape[0].Times(input.Shape[1]);
        }
        else if (input.Shape.Rank == 1)
        {
            if (!givenOffsets) throw c.Mismatch("a 1-d input needs offsets");
            var offsets = c.TensorAt(1);
            if (offsets.Shape.Rank != 1) throw c.Mismatch($"offsets must be 1-d but are {offsets.Shape}");
            bags = offsets.Shape[0];
            tokens = input.Shape[0];
        }
        else
        {
            throw c.Mismatch($"expects a 1-d or 2-d input but gets {input.Shape}");
        }
        var weightType = c.Module.Parameters.FirstOrDefault().Value?.ElementType ?? c.ParameterElementType;
        var dims = c.Args.Long("embedding_dims");
        var mode = c.Args.EnumMember("mode") ?? "Mean";
        var output = c.Output(new TensorShape(new[] { bags, Dim.Of(dims) }), weightType);
        if (!c.RecordsGraph) return output;
        var bagShape = new TensorShape(new[] { bags });
        var tokenShape = new TensorShape(new[] { tokens });
        if (!givenOffsets) c.SaveNew(bagShape, "Int64");
        var fastPath = mode == "Sum" && weightType is "Float32" or "Float16" or "BFloat16" && c.Args.Long("padding_index") < 0;
        if (!fastPath)
        {
            // offset2bag has N + 1 entries: kept as [N] and [1], which free together.
            c.Transient(tokenShape, "Int64");
            c.SaveNew(tokenShape, "Int64");
            c.SaveNew(new TensorShape(new[] { Dim.Of(1) }), "Int64");
        }
        c.SaveNew(bagShape, "Int64");
        c.SaveNew(mode == "Max" ? new TensorShape(new[] { bags, Dim.Of(dims) }) : bagShape, "Int64");
        var elementSize = ElementTypes.SizeOf(weightType) ?? throw new UnknownArgumentException(new UnknownValue($"the element size of {weightType}", c.Module.CreatedAt));
        if (mode == "Max")
        {
            c.BackwardScratch(ByteCount.Of(bags.Times(Dim.Of(dims)), 8).Plus(ByteCount.Of(bags.Times(Dim.Of(dims)), elementSize)).Plus(ByteCount.Of(bags, 8)));
        }
        else
        {
            c.BackwardScratch(ByteCount.Of(tokens, 3 * 8));
            if (fastPath) c.BackwardScratch(ByteCount.Of(tokens, 8).Plus(new ByteCount(8, 0)));
        }
        return output;
    }

    /// <summary>ZeroPad/ReflectionPad/ReplicationPad/ConstantPad: the last dimensions grow by the padding; nothing kept.</summary>
    private static Value PadForward(LayerCall c, int rank)
    {
        var input = c.Input;
        var padding = c.Args.Raw("padding") switch
        {
            IntValue all => Enumerable.Repeat(all.Number, 2 * rank).ToArray(),
            _ => c.Args.Shape("padding"),
        };
        if (padding.Length != 2 * rank || input.Shape.Rank < rank) throw c.Mismatch($"padding ({string.Join(", ", padding)}) does not fit {input.Shape}");
        var dims = input.Shape.Dims.ToArray();
        for (var i = 0; i < rank; i++)
        {
            var axis = dims.Length - 1 - i;
            var size = SpatialSize(c, dims[axis]) + padding[2 * i] + padding[2 * i + 1];
            if (size <= 0) throw c.Mismatch($"padding leaves no elements of {input.Shape}");
            dims[axis] = Dim.Of(size);
        }
        return c.Output(new TensorShape(dims));
    }
}

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
        "LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell", "MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder", "EmbeddingBag",
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

    /// <summary>MultiheadAttention(query, key, value): (output shaped like query, averaged weights [N, L, S]).</summary>
    private static Value AttentionForward(LayerCall c)
    {
        var query = c.Input;
        var key = c.TensorAt(1);
        if (query.Shape.Rank != 3) throw c.Mismatch($"expects 3-d [L, N, E] queries but gets {query.Shape}");
        var embed = c.Args.Long("embedded_dim");
        if (query.Shape[2] != Dim.Of(embed)) throw c.Mismatch($"expects an embedding of {embed} but the query is {query.Shape}");
        var output = c.Output(query.Shape);
        var weights = c.Output(new TensorShape(new[] { query.Shape[1], query.Shape[0], key.Shape[0] }));
        c.MemoryNotModeled();
        return new TupleValue(new Value[] { output, weights });
    }

    /// <summary>Transformer encoder pieces keep the input's shape.</summary>
    private static Value ShapePreservingNotModeled(LayerCall c)
    {
        var output = c.Output(c.Input.Shape);
        c.MemoryNotModeled();
        return output;
    }

    /// <summary>EmbeddingBag on a 2-d input [N, L] (no offsets): [N, D].</summary>
    private static Value EmbeddingBagForward(LayerCall c)
    {
        var input = c.Input;
        if (input.Shape.Rank != 2) throw new UnknownArgumentException(new UnknownValue("EmbeddingBag with offsets (1-d input)", c.Module.CreatedAt));
        var output = c.Output(new TensorShape(new[] { input.Shape[0], Dim.Of(c.Args.Long("embedding_dims")) }), c.Module.Parameters.FirstOrDefault().Value?.ElementType ?? c.ParameterElementType);
        c.MemoryNotModeled();
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

using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>Forward rules whose output shapes are known but whose internal allocations are not modeled yet.</summary>
internal static partial class LayerRules
{
    /// <summary>Layers whose memory is modeled only in the measured configurations (elsewhere Activations and Peak are unknown,
    /// with the reason).</summary>
    public static readonly IReadOnlyDictionary<string, string> PartlyModeled = new SortedDictionary<string, string>(System.StringComparer.Ordinal)
    {
        ["GRU"] = "no initial state given, Float32 or Float64",
        ["LSTM"] = "no initial state given, Float64, and Float32 with bias and input and hidden sizes of 2 or more " +
            "(oneDNN's RNN, its workspace in whole 4,096-byte pages)",
        ["GRUCell"] = "with a given state, Float32 or Float64",
        ["LSTMCell"] = "with a given state, Float32 or Float64",
    };

    /// <summary>
    /// LSTM/GRU/RNN: (output, h_n[, c_n]); output [.., T, D·H], h_n [D·layers, N, H]. Memory is modeled where
    /// measured (0.107 CPU, allocation log, T = 3..5, N = 2..3, 1-2 layers, uni- and bidirectional, dropout 0
    /// and 0.3 between layers), without a given initial state: GRU in Float32 and Float64, LSTM in Float64.
    /// ATen's native path then runs: zero initial states [D·layers, N, H] (kept: step 0 uses them), the input's
    /// contiguous copy [T, N, in] for a batch-first or non-contiguous input (kept by the input projection; else
    /// the input itself; one copy per direction), all steps' input gates [T, N, G·H] (freed), per step the cell's ops: GRU the hidden gates [N, 3H]
    /// and four [N, H] (two in-place-op copies, new_gate, h), LSTM the gates [N, 4H] and c, tanh(c), h; the
    /// last step's h (and c) are freed once stacked; bidirectional stacks are concatenated into [T, N, 2H]
    /// (the per-direction stacks freed); between layers dropout keeps its noise and result and frees the
    /// layer's output; then the output [T, N, D·H] and h_n (c_n).
    /// Float32 LSTM runs oneDNN's RNN instead (ATen's use_mkldnn: float32 on CPU, mkldnn enabled), with a workspace
    /// kept for backward in whole 4,096-byte pages and a scratchpad freed at once: <see cref="RecordOneDnnLstm"/>.
    /// </summary>
    private static Value RecurrentForward(LayerCall c, bool hasCellState)
    {
        var input = c.Input;
        if (input.Shape.Rank != 3) throw c.Mismatch($"expects a 3-d input but gets {input.Shape}");
        long hidden = c.Args.Long("hiddenSize"), layers = c.Args.Long("numLayers");
        var directions = c.Args.Bool("bidirectional") ? 2 : 1;
        var batchFirst = c.Args.Bool("batchFirst");
        var features = input.Shape[2];
        if (features != Dim.Of(c.Args.Long("inputSize")))
            throw c.Mismatch($"expects {c.Args.Long("inputSize")} input features (inputSize) but gets {input.Shape}");
        var batch = batchFirst ? input.Shape[0] : input.Shape[1];
        var steps = batchFirst ? input.Shape[1] : input.Shape[0];
        var stateShape = new TensorShape(new[] { Dim.Of(directions * layers), batch, Dim.Of(hidden) });
        c.MultiplyAccumulates(() =>
            steps.Times(batch).Times(Dim.Of(RecurrentStepProducts(c.Args.Factory, c.Args.Long("inputSize"), hidden, layers, directions))));
        var reason = c.Args.Factory == "RNN" ? "RNN has not been measured"
            : c.Inputs.Count > 1 && c.Inputs[1] is not NullValue ? "a given initial state has not been measured"
            : c.Args.Factory == "GRU" && input.ElementType is not (ScalarType.Float32 or ScalarType.Float64)
                ? $"GRU in {input.ElementType} has not been measured"
            : c.Args.Factory == "LSTM" && input.ElementType is not (ScalarType.Float32 or ScalarType.Float64)
                ? $"LSTM in {input.ElementType} runs oneDNN's RNN, which has been measured in Float32 only"
            : !steps.IsConstant() ? "the sequence length depends on the batch size"
            // Each step of each layer is several tensors on the tape: a sequence this long is not followed step by step.
            : (double)steps.PinCoefficient() * layers * directions > InterpreterLimits.MaxForwardTensors
                ? $"{steps.PinCoefficient():N0} steps over {layers:N0} layer(s) make more than the {InterpreterLimits.MaxForwardTensors:N0} " +
                    $"tensors one forward pass follows"
            : c.Args.Factory == "LSTM" && input.ElementType == ScalarType.Float32 ? OneDnnLstmGap(c, batch, hidden, layers, directions)
            : null;
        if (reason is not null || !c.RecordsGraph)
        {
            if (reason is not null) c.MemoryNotModeled(reason);
            else
            {
                // TorchSharp makes the zero initial states in C#, so the DisposeScope keeps them (measured: GRU under no_grad).
                c.Output(stateShape);
                if (hasCellState) c.Output(stateShape);
                c.PeakNotModeled(NoGradPeakNote(c));
            }
            var result = c.Output(input.Shape.With(2, Dim.Of(directions * hidden)));
            return hasCellState
                ? new TupleValue(new Value[] { result, c.Output(stateShape), c.Output(stateShape) })
                : new TupleValue(new Value[] { result, c.Output(stateShape) });
        }
        if (c.Args.Factory == "LSTM" && input.ElementType == ScalarType.Float32)
            return RecordOneDnnLstm(c, steps, batch, hidden, layers, directions, stateShape);
        var output = RecordRecurrentLayers(c, hasCellState, steps, batch, hidden, layers, directions, stateShape);
        // batch_first hands out the transpose of the sequence-first stack: a non-contiguous view a Linear copies, except
        // where that transpose is contiguous (one sequence at batch 1, or one step).
        var sequenceFirst = (ActivationTensor)output.Items[0];
        return batchFirst ? ReplaceFirst(output, c.FirstTwoSwappedView(sequenceFirst)) : output;
    }

    /// <summary>
    /// Multiply-accumulates of one time step for one sample: every layer and direction multiplies its input and its
    /// hidden state by each gate's weights (RNN 1 gate, GRU 3, LSTM 4); layers after the first read both directions.
    /// </summary>
    private static long RecurrentStepProducts(string factory, long inputSize, long hidden, long layers, long directions)
    {
        var gates = factory switch { "LSTM" or "LSTMCell" => 4, "GRU" or "GRUCell" => 3, _ => 1 };
        // Closed form, not a loop over layers: a layer count from odd code can be huge.
        var perGateRow = checked(inputSize + hidden + (layers - 1) * (directions * hidden + hidden));
        return checked(directions * gates * hidden * perGateRow);
    }

    private static TupleValue ReplaceFirst(TupleValue tuple, Value first) => new(new[] { first }.Concat(tuple.Items.Skip(1)).ToArray());

    /// <summary>
    /// LSTMCell/GRUCell with a given state (measured, Float32 and Float64): LSTMCell keeps the gates [N, 4H] and
    /// tanh(c') and returns c', h' (the hidden gates and i·g are freed at once); GRUCell frees the input gates
    /// [N, 3H] and keeps the hidden gates [N, 3H], two copies in-place ops save and new_gate, returning h'.
    /// </summary>
    private static Value RecurrentCellForward(LayerCall c, bool hasCellState)
    {
        var input = c.Input;
        if (input.Shape.Rank != 2 || input.Shape[1] != Dim.Of(c.Args.Long("inputSize")))
            throw c.Mismatch($"expects [batch, {c.Args.Long("inputSize")}] but gets {input.Shape}");
        var hidden = c.Args.Long("hiddenSize");
        var state = new TensorShape(new[] { input.Shape[0], Dim.Of(hidden) });
        c.MultiplyAccumulates(() => input.Shape[0].Times(Dim.Of(RecurrentStepProducts(c.Args.Factory, c.Args.Long("inputSize"), hidden, 1, 1))));
        var type = input.ElementType;
        var given = c.Inputs.Count > 1 && c.Inputs[1] is not NullValue;
        // TorchSharp checks the given state against [batch, hidden] and throws on anything else.
        if (given)
        {
            var states = c.Inputs[1] is TupleValue tuple ? tuple.Items : new[] { c.Inputs[1] };
            foreach (var stateValue in states)
            {
                if (stateValue is ActivationTensor stateTensor && !stateTensor.Shape.Equals(state))
                    throw c.Mismatch($"expects a state of {state} but gets {stateTensor.Shape}");
            }
        }
        var reason = c.Args.Factory == "RNNCell" ? "RNNCell has not been measured"
            : !given ? "a cell without a given state (zeros made inside) has not been measured"
            : type is not (ScalarType.Float32 or ScalarType.Float64) ? $"{c.Args.Factory} in {type} has not been measured"
            : null;
        if (reason is not null || !c.RecordsGraph)
        {
            if (reason is not null) c.MemoryNotModeled(reason);
            else c.PeakNotModeled(NoGradPeakNote(c));
            return hasCellState ? new TupleValue(new Value[] { c.Output(state), c.Output(state) }) : c.Output(state);
        }
        var gateShape = new TensorShape(new[] { input.Shape[0], Dim.Of((hasCellState ? 4 : 3) * hidden) });
        var givenStates = (c.Inputs[1] is TupleValue pair ? pair.Items : new[] { c.Inputs[1] }).OfType<ActivationTensor>().ToList();
        var h = givenStates.ElementAtOrDefault(0);
        var biased = c.Module.Parameters.Any(p => p.Key == "bias_ih");
        string[] Weights(string which) => biased ? new[] { "weight_" + which, "bias_" + which } : new[] { "weight_" + which };
        ActivationTensor[] Present(params ActivationTensor?[] tensors) => tensors.Where(t => t is not null).Select(t => t!).ToArray();
        // The cell's ops go on the tape one by one: the two linears (each a node that uses its own weight and bias,
        // so autograd sums their gradients over the time steps), then the gates' elementwise ops as one node.
        if (hasCellState)
        {
            // gates = linear_hh(h).add_(linear_ih(x)), activated in place (kept); linear_ih's result is freed.
            var cell = givenStates.ElementAtOrDefault(1);
            var gates = c.Internal(gateShape, type);
            c.InternalOp("linear_hh", Present(h), new[] { gates }, Present(h), parameters: Weights("hh"));
            var inputGates = c.Internal(gateShape, type);
            c.InternalOp("linear_ih", new[] { input }, new[] { inputGates }, new[] { input }, parameters: Weights("ih"));
            c.Release(inputGates);
            var nextCell = c.Internal(state, type);
            c.Release(c.Internal(state, type));                                     // i * g
            var tanhCell = c.Internal(state, type);
            var nextHidden = c.Internal(state, type);
            c.InternalOp("gates", Present(inputGates, gates, cell), new[] { nextCell, nextHidden }, Present(gates, tanhCell, cell));
            c.Release(tanhCell);
            c.Release(gates);
            return new TupleValue(new Value[] { nextHidden, nextCell });
        }
        // Stepped more than once with biases, the table came out 432 B (2.5%) above the counter at batch 7 (3 steps; exact
        // at batch 1 and for one step): what backward keeps of the summed bias gradients is not followed yet.
        if (biased && c.RanBefore)
            c.PeakNotModeled("Peak is unknown: a GRUCell with biases stepped more than once keeps less of its bias gradients "
                + "in backward than the table follows (measured at batch 7); not modeled yet.");
        // GRUCell: linear_ih(x) (freed once new_gate is made), then linear_hh(h) (kept), two copies in-place ops save and new_gate.
        var gruInputGates = c.Internal(gateShape, type);
        c.InternalOp("linear_ih", new[] { input }, new[] { gruInputGates }, new[] { input }, parameters: Weights("ih"));
        c.Release(gruInputGates);
        var hiddenGates = c.Internal(gateShape, type);
        c.InternalOp("linear_hh", Present(h), new[] { hiddenGates }, Present(h), parameters: Weights("hh"));
        var kept = new List<ActivationTensor> { hiddenGates, c.Internal(state, type), c.Internal(state, type) };
        var result = c.Internal(state, type);
        kept.Add(c.Internal(state, type));
        c.InternalOp("gates", Present(gruInputGates, hiddenGates, h), new[] { result }, kept.Concat(Present(h)));
        foreach (var tensor in kept) c.Release(tensor);
        return result;
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
        if (input.ElementType is not (ScalarType.Int64 or ScalarType.Int32))
            throw c.Mismatch($"expects integer token ids but gets {input.ElementType}");
        if (c.Args.Raw("max_norm") is not NullValue)
            throw new UnknownArgumentException(
                new UnknownValue("EmbeddingBag with max_norm (renormalizes rows in place; not modeled)", c.Module.CreatedAt));
        if (c.Args.Bool("sparse"))
            throw new UnknownArgumentException(new UnknownValue("EmbeddingBag with sparse gradients (not modeled)", c.Module.CreatedAt));
        if (c.Args.Bool("include_last_offset"))
            throw new UnknownArgumentException(new UnknownValue("EmbeddingBag with include_last_offset (not modeled)", c.Module.CreatedAt));
        if (c.Inputs.Count > 2 && c.Inputs[2] is not NullValue)
            throw new UnknownArgumentException(new UnknownValue("EmbeddingBag with per_sample_weights (not modeled)", c.Module.CreatedAt));
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
        var weightType = c.Module.Parameters.FirstOrDefault().Value?.TypeIn(c.ParameterElementType) ?? c.ParameterElementType;
        var dims = c.Args.Long("embedding_dims");
        var mode = c.Args.EnumMember("mode") ?? "Mean";
        var output = c.Output(new TensorShape(new[] { bags, Dim.Of(dims) }), weightType);
        if (!c.RecordsGraph)
        {
            // Under no_grad _embedding_bag still makes its index tensors (and more: logged, not modeled).
            c.PeakNotModeled(NoGradPeakNote(c));
            return output;
        }
        var bagShape = new TensorShape(new[] { bags });
        var tokenShape = new TensorShape(new[] { tokens });
        if (!givenOffsets) c.SaveNew(bagShape, ScalarType.Int64);
        var fastPath = mode == "Sum" && weightType is ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16
            && c.Args.Long("padding_index") < 0;
        if (!fastPath)
        {
            // offset2bag has N + 1 entries: kept as [N] and [1], which free together.
            c.Transient(tokenShape, ScalarType.Int64);
            c.SaveNew(tokenShape, ScalarType.Int64);
            c.SaveNew(new TensorShape(new[] { Dim.Of(1) }), ScalarType.Int64);
        }
        c.SaveNew(bagShape, ScalarType.Int64);
        c.SaveNew(mode == "Max" ? new TensorShape(new[] { bags, Dim.Of(dims) }) : bagShape, ScalarType.Int64);
        var elementSize = weightType.SizeOf()
            ?? throw new UnknownArgumentException(new UnknownValue($"the element size of {weightType}", c.Module.CreatedAt));
        if (mode == "Max")
        {
            c.BackwardScratch(ByteCount.Of(bags.Times(Dim.Of(dims)), 8).Plus(ByteCount.Of(bags.Times(Dim.Of(dims)), elementSize))
                .Plus(ByteCount.Of(bags, 8)));
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
        var padding = c.Args.Raw("padding") switch
        {
            IntValue all => Enumerable.Repeat(all.Pin(), 2 * rank).ToArray(),
            _ => c.Args.Shape("padding"),
        };
        return Padded(c, padding, rank);
    }

    /// <summary>
    /// functional.pad(input, pad, mode, value): constant mode pads the last pad.Length / 2 dimensions as ConstantPad does
    /// (constant_pad_nd); reflect and replicate run the reflection and replication pads over every dimension after the
    /// first two, as their modules do. Circular padding (several ops), the Zeros mode and a negative pad (a crop) were not
    /// measured.
    /// </summary>
    private static Value FunctionalPadForward(LayerCall c)
    {
        var input = c.Input;
        var pad = c.Args.Shape("pad");
        var mode = c.Args.Has("mode") ? c.Args.EnumMember("mode") ?? "Constant" : "Constant";
        if (pad.Length == 0 || pad.Length % 2 != 0 || pad.Length / 2 > input.Shape.Rank)
            throw c.Mismatch($"pad ({string.Join(", ", pad)}) does not fit {input.Shape}");
        if (mode is "Reflect" or "Replicate" && pad.Length / 2 != input.Shape.Rank - 2)
            throw c.Mismatch($"{mode} padding pads every dimension after the first two of {input.Shape}, but pad has {pad.Length / 2}");
        if (mode is not ("Constant" or "Reflect" or "Replicate")) c.MemoryNotModeled($"functional.pad in {mode} mode was not measured");
        else if (pad.Any(p => p < 0)) c.MemoryNotModeled("a negative pad (a crop) was not measured");
        if (mode == "Reflect")
        {
            for (var i = 0; i < pad.Length / 2; i++)
            {
                var size = SpatialSize(c, input.Shape[input.Shape.Rank - 1 - i]);
                if (pad[2 * i] >= size || pad[2 * i + 1] >= size)
                    throw c.Mismatch($"reflect padding must be smaller than the dimension it pads ({size} in {input.Shape})");
            }
        }
        return Padded(c, pad, pad.Length / 2);
    }

    /// <summary>The input with its last <paramref name="rank"/> dimensions padded: one new tensor, nothing kept.</summary>
    private static Value Padded(LayerCall c, long[] padding, int rank)
    {
        var input = c.Input;
        if (padding.Length != 2 * rank || input.Shape.Rank < rank)
            throw c.Mismatch($"padding ({string.Join(", ", padding)}) does not fit {input.Shape}");
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

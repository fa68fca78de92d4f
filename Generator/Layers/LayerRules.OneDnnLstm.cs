using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>A Float32 LSTM on CPU: ATen's mkldnn_rnn loop over oneDNN's RNN, one tape node per layer and direction.</summary>
internal static partial class LayerRules
{
    /// <summary>oneDNN stops merging forward's layer gemm over the steps from this many sequences (<c>merge_gemm_layer</c>: mb &lt; 128).</summary>
    private const long OneDnnRnnUnmergedFrom = 128;

    /// <summary>Why this Float32 LSTM's memory is not modeled, or null when <see cref="RecordOneDnnLstm"/> covers it.</summary>
    private static string? OneDnnLstmGap(LayerCall c, Dim batch, long hidden, long layers, int directions)
    {
        if (!c.Module.Parameters.Any(p => p.Key.StartsWith("bias_ih", System.StringComparison.Ordinal)))
            return "a Float32 LSTM without bias (ATen passes zero tensors as oneDNN's biases) has not been measured";
        if (batch.BatchPower > 1) return "the batch of a Float32 LSTM grows faster than the batch size";
        for (var layer = 0L; layer < layers; layer++)
        {
            var width = layer == 0 ? c.Args.Long("inputSize") : directions * hidden;
            if (!OneDnnLstmWork.Covers(width, hidden))
                return "oneDNN's RNN skips or shrinks weight reorders when a weight has a single input channel (input or hidden size 1), " +
                    "which is not modeled";
        }
        return null;
    }

    /// <summary>
    /// ATen's <c>mkldnn_rnn</c> (aten/src/ATen/native/mkldnn/RNN.cpp), logged with the allocation tracker: TorchSharp's
    /// zero initial states h0, c0 [D·layers, N, H] (kept until the scope ends); the input's contiguous sequence-first
    /// copy [T, N, in] when it is batch-first or strided (layer 0's calls save it); per layer and direction one
    /// <c>mkldnn_rnn_layer</c> call (<see cref="RecordOneDnnLstmCall"/>); a bidirectional layer's outputs concatenated
    /// into [T, N, 2H]; between layers dropout keeps its noise and result and the concatenation is freed; then h_n and
    /// c_n stacked from each call's hy, cy. Backward hands each call a view of the concatenation's gradient (a strided
    /// slice) and of h_n's and c_n's (whole [N, H] rows); the whole gradient lives until the call run last takes its view.
    /// </summary>
    private static TupleValue RecordOneDnnLstm(LayerCall c, Dim steps, Dim batch, long hidden, long layers, int directions, TensorShape stateShape)
    {
        var input = c.Input;
        var type = input.ElementType;
        var dropout = Probability(c.Args, "dropout");
        var batchFirst = c.Args.Bool("batchFirst");
        TensorShape Sequence(long width) => new(new[] { steps, batch, Dim.Of(width) });

        // Forward keeps one step's scratch gates from 128 sequences on: those batches get a pass of their own.
        var unmergedFrom = batch.IsConstant() ? long.MaxValue : (OneDnnRnnUnmergedFrom + batch.PinCoefficient() - 1) / batch.PinCoefficient();
        if (!batch.IsConstant()) c.RunsOtherKernelsFrom(unmergedFrom);
        var forwardMerges = batch.IsConstant()
            ? OneDnnLstmWork.ForwardMergesSteps(batch.PinCoefficient())
            : unmergedFrom > 1 && !c.BatchAtLeast(unmergedFrom);

        // Whether backward must copy a strided output gradient can differ at batch 1: that batch gets a pass of its own.
        var oneStep = steps.PinCoefficient() == 1;
        var oneSequence = batch.IsConstant() ? batch.PinCoefficient() == 1 : batch.PinCoefficient() == 1 && c.AtBatchOne;
        if (!batch.IsConstant() && batch.PinCoefficient() == 1 && batchFirst && !oneStep)
            c.RunsOtherKernelsAtBatchOne("At batch size 1 a batch-first Float32 LSTM's transposed input and output gradient are already " +
                "contiguous (one sequence), so ATen copies neither: batch 1's Activations and Peak leave both copies out.");
        else if (!batch.IsConstant() && batch.PinCoefficient() == 1 && directions == 2 && oneStep)
            c.RunsOtherKernelsAtBatchOne("At batch size 1 a one-step bidirectional Float32 LSTM's output gradient slices are contiguous, " +
                "so oneDNN's backward does not copy them: the peak at batch 1 is that pass's.");

        if (batchFirst && directions == 1)
            c.PeakNote("A batch-first Float32 LSTM's output gradient is taken to come back through the transposed view the LSTM returns, " +
                "strided, so oneDNN's backward copies it contiguous (unless the ops after it transpose it back).");

        var h0 = c.Internal(stateShape, type, needsGrad: false);
        var c0 = c.Internal(stateShape, type, needsGrad: false);
        var layerInput = input;
        var saved = input;
        // A batch-first input's transpose is contiguous when T or N is 1 (size-1 dimensions' strides do not count).
        if ((batchFirst && !oneStep && !oneSequence) || !input.IsContiguous)
        {
            saved = c.Internal(Sequence(c.Args.Long("inputSize")), type);
            c.Release(saved);
        }
        // Gradient carriers: separate views standing for the gradients backward hands each call (see RecordSteps).
        var lastHidden = new List<ActivationTensor>();
        var lastCell = new List<ActivationTensor>();
        ActivationTensor? output = null;
        for (var layer = 0L; layer < layers; layer++)
        {
            var width = layer == 0 ? c.Args.Long("inputSize") : directions * hidden;
            var lastLayer = layer == layers - 1;
            var results = new List<ActivationTensor>();
            var slices = new List<ActivationTensor>();
            for (var direction = 0; direction < directions; direction++)
            {
                var suffix = $"_l{layer}{(direction == 1 ? "_reverse" : "")}";
                var first = layer == 0 && direction == 0;
                lastHidden.Add(c.SeparateView(first ? stateShape : Nothing, type));
                lastCell.Add(c.SeparateView(first ? stateShape : Nothing, type));
                // The forward direction runs last in backward: its slice stands for the whole concatenation's gradient.
                var slice = directions == 2 ? c.SeparateView(direction == 0 ? Sequence(directions * hidden) : Nothing, type) : null;
                if (slice is not null) slices.Add(slice);
                // A slice of the concatenation's gradient is strided unless it is one row (T·N = 1); the transposed
                // gradient of a batch-first output unless T or N is 1 (PyTorch ignores the strides of size-1 dimensions).
                var outputLayout = directions == 2 ? (oneStep && oneSequence ? GradientLayout.Contiguous : GradientLayout.NonContiguous)
                    : !lastLayer ? GradientLayout.Contiguous
                    : batchFirst ? (oneStep || oneSequence ? GradientLayout.Contiguous : GradientLayout.NonContiguous)
                    : GradientLayout.Unknown;
                var call = new OneDnnLstmCall(suffix, steps, batch, width, hidden, forwardMerges, slice, outputLayout, lastHidden[^1], lastCell[^1]);
                var result = RecordOneDnnLstmCall(c, call, layerInput, layer == 0 ? saved : layerInput, directions == 1 && lastLayer);
                if (directions == 1 && lastLayer) output = result;
                results.Add(result);
            }
            var layerOutput = directions == 1 ? results[0]
                : lastLayer ? output = c.Output(Sequence(directions * hidden))
                : c.Internal(Sequence(directions * hidden), type);
            if (directions == 2)
            {
                c.InternalOp("cat", slices, new[] { layerOutput }, System.Array.Empty<ActivationTensor>(), passesGradientThrough: true);
                foreach (var result in results) c.Release(result);
            }
            if (lastLayer) break;
            // Each call saved its output, so a unidirectional layer's output stays when its handle goes.
            c.Release(layerOutput);
            if (dropout > 0)
            {
                var noise = c.Internal(Sequence(directions * hidden), type, needsGrad: false);
                var dropped = c.Internal(Sequence(directions * hidden), type);
                c.InternalOp("dropout", new[] { layerOutput }, new[] { dropped }, new[] { noise });
                c.Release(noise);
                c.Release(dropped);
                layerInput = dropped;
            }
            else
            {
                layerInput = layerOutput;
            }
        }
        var hn = c.Output(stateShape);
        c.InternalOp("stack_h", lastHidden, new[] { hn }, System.Array.Empty<ActivationTensor>(), passesGradientThrough: true);
        var cn = c.Output(stateShape);
        c.InternalOp("stack_c", lastCell, new[] { cn }, System.Array.Empty<ActivationTensor>(), passesGradientThrough: true);
        // batch_first hands out the transpose of the sequence-first output (a strided view).
        var returned = batchFirst ? c.FirstTwoSwappedView(output!) : output!;
        return new TupleValue(new Value[] { returned, hn, cn });
    }

    /// <summary>One <c>mkldnn_rnn_layer</c> call: its sizes and the separate views that carry its incoming gradients.</summary>
    private sealed record OneDnnLstmCall(string Suffix, Dim Steps, Dim Batch, long Input, long Hidden, bool ForwardMerges,
        ActivationTensor? OutputSlice, GradientLayout OutputLayout, ActivationTensor HiddenRow, ActivationTensor CellRow);

    /// <summary>
    /// One layer and direction, in the logged order. Forward: output [T, N, H], hy, cy [N, H]; the summed bias [4H];
    /// the workspace W (kept for backward); both weights reordered for oneDNN; the scratchpad S; then S, the weights
    /// and the bias freed. The node saves the input, output, hy, cy and W, and gives the four parameters their
    /// gradients. Backward holds at once (logged): zeros for each incoming gradient that is missing and a contiguous
    /// copy of each strided one, the bias, diff_x [T, N, in], diff_hx, diff_cx [N, H], the weight and bias gradients,
    /// oneDNN's weight work and S; then diff_b is cloned for b_hh (smaller than S, which is freed first).
    /// </summary>
    private static ActivationTensor RecordOneDnnLstmCall(LayerCall c, OneDnnLstmCall call, ActivationTensor layerInput, ActivationTensor saved,
        bool isModuleOutput)
    {
        var type = layerInput.ElementType;
        const int size = 4;
        var (steps, batch, input, hidden) = (call.Steps, call.Batch, call.Input, call.Hidden);
        var sequence = new TensorShape(new[] { steps, batch, Dim.Of(hidden) });
        var row = new TensorShape(new[] { batch, Dim.Of(hidden) });
        var output = isModuleOutput ? c.Output(sequence) : c.Internal(sequence, type);
        var hy = c.Internal(row, type);
        var cy = c.Internal(row, type);
        var bias = c.Internal(new TensorShape(new[] { Dim.Of(4 * hidden) }), type, needsGrad: false);
        var workspace = c.NativeBuffer(OneDnnLstmWork.Workspace(steps.PinCoefficient(), batch, input, hidden));
        var (layerWeights, iterWeights) = OneDnnLstmWork.ForwardWeights(input, hidden);
        var reorderedLayer = c.NativeBuffer(new ByteCount(layerWeights, 0));
        var reorderedIter = c.NativeBuffer(new ByteCount(iterWeights, 0));
        var scratchpad = c.NativeBuffer(OneDnnLstmWork.Scratchpad(call.ForwardMerges ? steps.PinCoefficient() : 1, batch, hidden));
        foreach (var freed in new[] { scratchpad, reorderedLayer, reorderedIter, bias, workspace }) c.Release(freed);

        var rowBytes = ByteCount.Of(row.ElementCount, size);
        var sequenceBytes = ByteCount.Of(sequence.ElementCount, size);
        var atScratchpad =
            new ByteCount(checked(4 * hidden * size * 2 + 4 * hidden * (input + hidden) * size), 0)         // bias, diff_b; diff_w_ih, diff_w_hh
            .Plus(ByteCount.Of(new TensorShape(new[] { steps, batch, Dim.Of(input) }).ElementCount, size))  // diff_x
            .Plus(rowBytes).Plus(rowBytes)                                                                  // diff_hx, diff_cx
            .Plus(new ByteCount(OneDnnLstmWork.BackwardWeightWork(input, hidden).Aggregate(0L, (a, b) => checked(a + b)), 0))
            .Plus(OneDnnLstmWork.Scratchpad(steps.PinCoefficient(), batch, hidden));
        var outputCarrier = call.OutputSlice ?? output;
        var dense = new[]
        {
            new DenseGradient(outputCarrier.Storage, sequenceBytes, call.OutputLayout, $"the output of the call with weights *{call.Suffix}"),
            new DenseGradient(call.HiddenRow.Storage, rowBytes, GradientLayout.Contiguous, $"the h_n row of the call with weights *{call.Suffix}"),
            new DenseGradient(call.CellRow.Storage, rowBytes, GradientLayout.Contiguous, $"the c_n row of the call with weights *{call.Suffix}"),
        };
        var produced = new List<ActivationTensor> { output, hy, cy, call.HiddenRow, call.CellRow };
        if (call.OutputSlice is not null) produced.Add(call.OutputSlice);
        c.InternalOp("mkldnn_rnn_layer", new[] { layerInput }, produced, new[] { saved, output, hy, cy, workspace },
            parameters: new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh" }.Select(p => p + call.Suffix),
            moments: new[] { atScratchpad }, denseGradients: dense);
        c.Release(hy);
        c.Release(cy);
        return output;
    }
}

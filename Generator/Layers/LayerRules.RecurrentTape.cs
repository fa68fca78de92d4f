using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>GRU and LSTM over a whole sequence, op by op on the autograd tape (ATen's native CPU path).</summary>
internal static partial class LayerRules
{
    /// <summary>A view that holds no gradient of its own (a stack's other steps: one view keeps the whole gradient).</summary>
    private static readonly TensorShape Nothing = new(new[] { Dim.Of(0) });

    /// <summary>
    /// ATen's native path (RNN.cpp, FullLayer on CPU): per layer and direction one linear_ih over all steps,
    /// unbound into steps, then per step linear_hh(h) and the cell's elementwise gates, the steps' h stacked
    /// (and a bidirectional layer's two stacks concatenated); h_n (c_n) stacks each direction's last state.
    /// Forward allocations (measured, see RecurrentForward): zero initial states [D·layers, N, H] (kept), the
    /// input's contiguous copy per direction of the first layer when it is batch-first or not contiguous, the
    /// input gates [T, N, G·H] (freed after the stack; a bidirectional layer frees the forward direction's when
    /// the reverse's are made, the reverse's after the cat), per step GRU the hidden gates [N, 3H] and four
    /// [N, H] (two copies in-place ops keep, new_gate, h), LSTM the gates [N, 4H] and c, i·g (freed), tanh(c),
    /// h; the last step's h (and c) live until h_n (c_n) is stacked; dropout between layers keeps its noise and
    /// result; the zero initial states live until the DisposeScope ends.
    /// Backward (measured with allocation logs): each step's input-gate gradient [N, G·H] waits in unbind's
    /// buffer until all steps ran, then is stacked into [T, N, G·H] for linear_ih; the weights used at every
    /// step go through autograd's input buffers (BackwardSimulation).
    /// </summary>
    private static TupleValue RecordRecurrentLayers(LayerCall c, bool hasCellState, Dim steps, Dim batch, long hidden, long layers, int directions,
        TensorShape stateShape)
    {
        var input = c.Input;
        var type = input.ElementType;
        var gateWidth = (hasCellState ? 4 : 3) * hidden;
        var dropout = Probability(c.Args, "dropout");
        var perStep = new TensorShape(new[] { batch, Dim.Of(hidden) });
        var gateShape = new TensorShape(new[] { batch, Dim.Of(gateWidth) });
        TensorShape Sequence(long width) => new(new[] { steps, batch, Dim.Of(width) });
        var biased = c.Module.Parameters.Any(p => p.Key.StartsWith("bias_ih", System.StringComparison.Ordinal));

        // Zero initial states: no gradient; the first step's ops use them, and they live until the DisposeScope
        // ends (measured: freed with the scope, after backward and the optimizer step), like a handle of forward's.
        var h0 = c.Internal(stateShape, type, needsGrad: false);
        var c0 = hasCellState ? c.Internal(stateShape, type, needsGrad: false) : null;
        // A batch-first input is transposed to [T, N, in]: the input projection copies it unless that transpose is
        // contiguous (one sequence at batch 1, or one step; measured: batch 1 keeps no copy).
        var copied = c.Args.Bool("batchFirst") ? !c.FirstTwoSwappedStaysContiguous(input) : !input.IsContiguous;
        var lastHidden = new List<ActivationTensor>();
        var lastCell = new List<ActivationTensor>();
        var finalStates = new List<ActivationTensor>();   // each direction's last h (and c): freed once h_n (c_n) is stacked
        var layerInput = input;
        ActivationTensor? output = null;
        for (var layer = 0L; layer < layers; layer++)
        {
            var width = layer == 0 ? c.Args.Long("inputSize") : directions * hidden;
            var stacks = new List<ActivationTensor>();
            var layerGates = new List<ActivationTensor>();
            for (var direction = 0; direction < directions; direction++)
            {
                var suffix = $"_l{layer}{(direction == 1 ? "_reverse" : "")}";
                string[] Weights(string which) => biased
                    ? new[] { $"weight_{which}{suffix}", $"bias_{which}{suffix}" }
                    : new[] { $"weight_{which}{suffix}" };
                // The input projection keeps what matmul multiplies: a contiguous copy of a batch-first or non-contiguous input, one per direction.
                var projected = layerInput;
                if (layer == 0 && copied)
                {
                    projected = c.Internal(Sequence(width), type);
                    c.Release(projected);
                }
                var inputGates = c.Internal(Sequence(gateWidth), type);
                // The forward direction's input gates are freed once the reverse direction's are made (measured).
                if (direction == 1) c.Release(layerGates[0]);
                layerGates.Add(inputGates);
                c.InternalOp("linear_ih", new[] { layerInput }, new[] { inputGates }, new[] { projected }, parameters: Weights("ih"));
                var stepGates = Enumerable.Range(0, (int)steps.PinCoefficient()).Select(_ => c.SeparateView(gateShape, type)).ToList();
                c.InternalOp("unbind", new[] { inputGates }, stepGates, System.Array.Empty<ActivationTensor>());
                // Backward hands each step a view of the stack's gradient, and each direction's last state a view of
                // h_n's (c_n's): the whole gradient lives until the step consumed last takes its view. The first step
                // processed (and the first layer's first direction, for h_n) holds all of it; the others hold nothing.
                var count = (int)steps.PinCoefficient();
                var extras = Enumerable.Range(0, count).Select(_ => new List<ActivationTensor>()).ToArray();
                var stepViews = Enumerable.Range(0, count).Select(t => c.SeparateView(t == 0 ? Sequence(hidden) : Nothing, type)).ToList();
                for (var t = 0; t < count; t++) extras[t].Add(stepViews[t]);
                var first = layer == 0 && direction == 0;
                lastHidden.Add(c.SeparateView(first ? stateShape : Nothing, type));
                extras[count - 1].Add(lastHidden[lastHidden.Count - 1]);
                if (hasCellState)
                {
                    lastCell.Add(c.SeparateView(first ? stateShape : Nothing, type));
                    extras[count - 1].Add(lastCell[lastCell.Count - 1]);
                }
                finalStates.AddRange(RecordSteps(c, stepGates, extras, h0, c0, perStep, gateShape, hasCellState, Weights("hh")));
                var lastLayer = layer == layers - 1;
                ActivationTensor stack;
                if (directions == 2) stack = c.Internal(Sequence(hidden), type);         // freed once both are concatenated
                else if (lastLayer) stack = output = c.Output(Sequence(hidden));
                else stack = c.Internal(Sequence(hidden), type);
                c.InternalOp("stack", stepViews, new[] { stack }, System.Array.Empty<ActivationTensor>(), passesGradientThrough: true);
                if (directions == 1) c.Release(inputGates);
                stacks.Add(stack);
            }
            var layerOutput = directions == 1 ? stacks[0]
                : layer == layers - 1 ? output = c.Output(Sequence(directions * hidden))
                : c.Internal(Sequence(directions * hidden), type);
            if (directions == 2)
            {
                c.InternalOp("cat", stacks, new[] { layerOutput }, System.Array.Empty<ActivationTensor>(), passesGradientThrough: true);
                foreach (var stack in stacks) c.Release(stack);
                c.Release(layerGates[1]);
            }
            if (layer == layers - 1) break;
            if (dropout > 0)
            {
                // Between layers CPU dropout keeps its noise and result; the layer's output is freed (measured).
                var noise = c.Internal(Sequence(directions * hidden), type, needsGrad: false);
                var dropped = c.Internal(Sequence(directions * hidden), type);
                c.InternalOp("dropout", new[] { layerOutput }, new[] { dropped }, new[] { noise });
                c.Release(noise);
                c.Release(layerOutput);
                layerInput = dropped;
                c.Release(dropped);
            }
            else
            {
                layerInput = layerOutput;
                c.Release(layerOutput);
            }
        }
        var hn = c.Output(stateShape);
        c.InternalOp("stack_h", lastHidden, new[] { hn }, System.Array.Empty<ActivationTensor>(), passesGradientThrough: true);
        if (!hasCellState)
        {
            foreach (var state in finalStates) c.Release(state);
            return new TupleValue(new Value[] { output!, hn });
        }
        var cn = c.Output(stateShape);
        c.InternalOp("stack_c", lastCell, new[] { cn }, System.Array.Empty<ActivationTensor>(), passesGradientThrough: true);
        foreach (var state in finalStates) c.Release(state);
        return new TupleValue(new Value[] { output!, hn, cn });
    }

    /// <summary>One direction of one layer, step by step: each step's linear_hh(h) and its gates (whose outputs include the step's
    /// views of later gradients).</summary>
    private static IEnumerable<ActivationTensor> RecordSteps(LayerCall c, List<ActivationTensor> stepGates, List<ActivationTensor>[] extras,
        ActivationTensor h0, ActivationTensor? c0, TensorShape perStep, TensorShape gateShape, bool hasCellState, string[] hiddenWeights)
    {
        var type = h0.ElementType;
        var h = h0;
        var cell = c0;
        for (var t = 0; t < stepGates.Count; t++)
        {
            var last = t == stepGates.Count - 1;
            // GRU chunks its step's input gates before linear_hh (a split whose three gradients backward concatenates
            // into the step's [N, 3H] after linear_hh's backward, measured); LSTM adds them in place into linear_hh's
            // result, so one gradient serves both.
            var inputGates = stepGates[t];
            if (!hasCellState)
            {
                inputGates = c.SeparateView(gateShape, type);
                c.InternalOp("chunk", new[] { stepGates[t] }, new[] { inputGates }, System.Array.Empty<ActivationTensor>());
            }
            var gates = c.Internal(gateShape, type);
            // LSTM's gates are linear_hh's result with the input gates added in place: backward hands the one gradient
            // to both, so linear_hh's output is linked to the gates' node by a view that holds no gradient of its own.
            var hiddenGates = hasCellState ? c.SeparateView(Nothing, type) : gates;
            c.InternalOp("linear_hh", new[] { h }, new[] { hiddenGates }, new[] { h }, parameters: hiddenWeights);
            ActivationTensor next;
            if (hasCellState)
            {
                // gates = linear_hh(h).add_(input gates), activated in place; c' = f·c + i·g; h' = o·tanh(c').
                var nextCell = c.Internal(perStep, type);
                c.Release(c.Internal(perStep, type));                                   // i · g
                var tanhCell = c.Internal(perStep, type);
                next = c.Internal(perStep, type);
                c.InternalOp("gates", new[] { stepGates[t], hiddenGates, cell! }, new[] { next, nextCell }.Concat(extras[t]),
                    new[] { gates, tanhCell, cell! });
                c.Release(tanhCell);
                if (!last) c.Release(nextCell);
                cell = nextCell;
            }
            else
            {
                // The hidden gates, two copies that in-place ops keep, new_gate and h' (measured order).
                var firstCopy = c.Internal(perStep, type);
                var newGate = c.Internal(perStep, type);
                next = c.Internal(perStep, type);
                var secondCopy = c.Internal(perStep, type);
                c.InternalOp("gates", new[] { inputGates, gates, h }, new[] { next }.Concat(extras[t]),
                    new[] { gates, firstCopy, newGate, secondCopy, h });
                c.Release(firstCopy);
                c.Release(newGate);
                c.Release(secondCopy);
            }
            c.Release(gates);
            if (!last) c.Release(next);
            h = next;
        }
        return cell is null || ReferenceEquals(cell, c0) ? new[] { h } : new[] { h, cell };
    }
}

using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Parsing;

/// <summary>
/// The live bytes of a training step beyond what is resident (parameters, buffers, gradients, optimizer
/// state, input), at each moment that can be the peak: during forward, after the loss, at each op of
/// backward, and in the optimizer step. Peak(B) is the largest of these lines (measured on TorchSharp
/// 0.107 CPU: backward allocates each op's input gradients and each parameter's fresh gradient before
/// adding it into .grad, and frees what only that op kept; the DisposeScope keeps every handle alive).
/// </summary>
internal static class BackwardSimulation
{
    /// <summary>
    /// Why the step's peak is not a fact yet (the Notes' sentence), or null: a layer call whose CPU work tensors its
    /// rule does not model (each convolution rule records its own reason), or a recurrent layer recorded as one node.
    /// </summary>
    public static string? UnmodeledBackward(ForwardTrace trace)
    {
        if (trace.UnmodeledPeak.FirstOrDefault() is { } note) return note;
        return trace.Tape.Select(n => n.Kind).FirstOrDefault(IsRecurrent) is { } recurrent
            ? $"Peak is unknown: the backward of {recurrent} (autograd sums each weight's gradients over the time steps before adding them to .grad) is not modeled yet."
            : null;
    }

    /// <summary>Recurrent layers recorded as one node (LSTMCell and GRUCell put their ops on the tape one by one instead).</summary>
    private static bool IsRecurrent(string kind) => kind is "LSTM" or "GRU" or "RNN" or "RNNCell";

    /// <summary>Null when some size is unknown or the output is not [B, classes] (cross_entropy with [B] labels).</summary>
    public static List<ByteCount>? PeakTerms(ForwardTrace trace, ActivationTensor output, ByteCount optimizerStepTransient)
    {
        if (UnmodeledBackward(trace) is not null) return null;
        if (output.Shape.Rank != 2 || output.Shape[0] != Dim.Batch || !output.Shape[1].IsConstant) return null;
        if (trace.ForwardPeaks() is not { } forwardPeaks) return null;
        var terms = new List<ByteCount>(forwardPeaks);
        if (trace.LiveBytes() is not { } live) return null;
        var outputGradient = output.Storage.Bytes();
        if (outputGradient is null) return null;

        // cross_entropy keeps log_softmax's result [B, C] for backward, plus the loss and total_weight scalars (in the output's type).
        var logSoftmax = outputGradient.Value;
        var scalar = Shapes.ElementTypes.SizeOf(output.ElementType) ?? 4;
        live = live.Plus(logSoftmax).Plus(new ByteCount(2 * scalar, 0));
        terms.Add(live);
        // Backward of the loss: a ones scalar, nll_loss's gradient [B, C], log_softmax's gradient [B, C].
        terms.Add(live.Plus(new ByteCount(scalar, 0)).Plus(logSoftmax).Plus(outputGradient.Value));
        live = live.Plus(logSoftmax.Negate());

        var gradients = new Dictionary<Storage, ByteCount> { [output.Storage] = outputGradient.Value };
        var released = new HashSet<Storage>();
        var uses = ParameterUses(trace, output.Storage);
        var seen = new Dictionary<object, int>();
        // Autograd's input buffers: the running sum of a parameter's gradients while some of its uses are still to run.
        var buffers = new Dictionary<object, ByteCount>();
        foreach (var node in Enumerable.Reverse(trace.Tape))
        {
            var incoming = node.Outputs.Select(o => o.Storage).Distinct().Where(gradients.ContainsKey).ToList();
            if (incoming.Count == 0) continue;
            var held = gradients.Values.Aggregate(ByteCount.Zero, (a, b) => a.Plus(b));
            var created = ByteCount.Zero;
            if (!node.PassesGradientThrough)
            {
                foreach (var input in node.Inputs.Where(i => !i.Storage.IsResident))
                {
                    if (input.Storage.Bytes() is not { } bytes) return null;
                    created = created.Plus(bytes);
                }
            }
            var fresh = node.ParameterGradients.Aggregate(ByteCount.Zero, (a, g) => a.Plus(g.Bytes));
            var buffered = buffers.Values.Aggregate(ByteCount.Zero, (a, b) => a.Plus(b));
            if (DenseStandIns(trace, node, gradients) is not { } standIns) return null;
            terms.Add(live.Plus(held).Plus(created).Plus(fresh).Plus(buffered).Plus(node.BackwardScratch).Plus(standIns));
            foreach (var moment in node.BackwardMoments) terms.Add(live.Plus(held).Plus(buffered).Plus(standIns).Plus(moment));

            foreach (var storage in incoming) gradients.Remove(storage);
            foreach (var input in node.Inputs.Where(i => !i.Storage.IsResident))
            {
                if (input.Storage.Bytes() is { } bytes && !gradients.ContainsKey(input.Storage)) gradients[input.Storage] = bytes;
            }
            // The engine releases what the node saved before it adds the node's gradients into input buffers (engine.cpp:
            // release_variables, then InputBuffer::add), so a step's saved h is gone when its weight's gradients are summed.
            foreach (var storage in node.Saved)
            {
                if (--storage.Savers > 0 || trace.HasLiveHandle(storage) || !released.Add(storage)) continue;
                if (storage.Bytes() is { } bytes) live = live.Plus(bytes.Negate());
            }
            // Each fresh gradient goes into its parameter's input buffer (measured on 0.107 CPU): the first is kept
            // as it is, the second is summed out of place (old, fresh and sum alive at once), later ones are added in
            // place; after the last use the sum is added into .grad and freed. A parameter used once: added, freed.
            // The engine reaches a linear's bias first and its weight after t()'s backward: last listed first.
            var after = gradients.Values.Aggregate(ByteCount.Zero, (a, b) => a.Plus(b));
            foreach (var gradient in node.ParameterGradients.Reverse())
            {
                var count = seen[gradient.Parameter] = seen.TryGetValue(gradient.Parameter, out var n) ? n + 1 : 1;
                var total = uses.TryGetValue(gradient.Parameter, out var u) ? u : 1;
                if (count == 2)
                {
                    var bufferedNow = buffers.Values.Aggregate(ByteCount.Zero, (a, b) => a.Plus(b));
                    terms.Add(live.Plus(after).Plus(fresh).Plus(bufferedNow).Plus(gradient.Bytes));
                }
                fresh = fresh.Plus(gradient.Bytes.Negate());
                if (count == 1 && total > 1) buffers[gradient.Parameter] = gradient.Bytes;
                if (count == total) buffers.Remove(gradient.Parameter);
            }
        }

        // The optimizer step runs with whatever backward left alive.
        terms.Add(live.Plus(optimizerStepTransient));
        return Prune(terms);
    }

    /// <summary>
    /// How many nodes that backward runs (those a gradient reaches from the output) use each parameter: autograd
    /// adds a parameter's summed gradient into .grad once all of them have run.
    /// </summary>
    private static Dictionary<object, int> ParameterUses(ForwardTrace trace, Storage output)
    {
        var reached = new HashSet<Storage> { output };
        var uses = new Dictionary<object, int>();
        foreach (var node in Enumerable.Reverse(trace.Tape))
        {
            var incoming = node.Outputs.Select(o => o.Storage).Where(reached.Contains).ToList();
            if (incoming.Count == 0) continue;
            foreach (var storage in incoming) reached.Remove(storage);
            foreach (var input in node.Inputs.Where(i => !i.Storage.IsResident)) reached.Add(input.Storage);
            foreach (var gradient in node.ParameterGradients) uses[gradient.Parameter] = uses.TryGetValue(gradient.Parameter, out var n) ? n + 1 : 1;
        }
        return uses;
    }

    /// <summary>
    /// What a backward that needs its incoming gradients dense (oneDNN's RNN) makes for the whole call: zeros for each
    /// that did not arrive, a contiguous copy of each that arrives strided. Null, with the reason among the trace's
    /// unmodeled-peak Notes, when one arrives and the rule could not tell its layout.
    /// </summary>
    private static ByteCount? DenseStandIns(ForwardTrace trace, TapeNode node, Dictionary<Storage, ByteCount> gradients)
    {
        var total = ByteCount.Zero;
        foreach (var dense in node.DenseGradients)
        {
            var arrives = gradients.ContainsKey(dense.Carrier);
            if (arrives && dense.Layout == GradientLayout.Unknown)
            {
                trace.UnmodeledPeak.Add($"Peak is unknown: {node.Kind}'s backward copies the gradient of {dense.Of} when it is not contiguous, and whether it is depends on the ops after the layer.");
                return null;
            }
            if (!arrives || dense.Layout == GradientLayout.NonContiguous) total = total.Plus(dense.Bytes);
        }
        return total;
    }

    /// <summary>
    /// Drops lines that another line is at or above for every batch size. Lines that are polynomials in the sizes (a
    /// parametric run) only merge where they are the same polynomials: comparing their values here would pin them, and
    /// <see cref="Parametric.ParametricAnalysis"/> prunes them knowing the sizes' bounds.
    /// </summary>
    private static List<ByteCount> Prune(List<ByteCount> terms) =>
        terms.Any(t => t.ConstantForm is not null || t.PerSampleForm is not null)
            ? terms.GroupBy(t => (t.ConstantExpression, t.PerSampleExpression, t.Rounded)).Select(g => g.First()).ToList()
            : terms.Distinct()
            .Where(t => !terms.Any(o => !o.Equals(t) && AtOrAbove(o, t)))
            .OrderBy(t => t.PerSample).ThenBy(t => t.Constant)
            .ToList();

    /// <summary>Whether <paramref name="upper"/> is at or above <paramref name="lower"/> at every B: its linear parts and each page-rounded buffer of the lower line.</summary>
    private static bool AtOrAbove(ByteCount upper, ByteCount lower) =>
        upper.Constant >= lower.Constant && upper.PerSample >= lower.PerSample
        && upper.Rounded.All(r => r.Times > 0)
        && lower.Rounded.All(r => r.Times > 0 && upper.Rounded.Any(u => u.SameBuffer(r) && u.Times >= r.Times));

}

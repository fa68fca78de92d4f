using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Losses;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Analysis;

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
        return trace.Tape.Select(n => n.Kind).FirstOrDefault(k => LayerRules.Find(k)?.BackwardNotModeled == true) is { } recurrent
            ? $"Peak is unknown: the backward of {recurrent} "
                + $"(autograd sums each weight's gradients over the time steps before adding them to .grad) is not modeled yet."
            : null;
    }

    /// <summary>
    /// Runs backward's simulation once so that its layout decisions, which can differ at batch 1 as forward's do, ask for
    /// batch 1's own pass before the passes are settled; the trace is left as it was (the savers the engine counts down
    /// and the notes it adds are restored).
    /// </summary>
    public static void AskBatchOneQuestions(ForwardTrace trace)
    {
        if (trace.Output is not { } output || trace.OtherKernelsAtBatchOne) return;
        var savers = trace.Tape.SelectMany(n => n.Saved).Distinct().ToDictionary(s => s, s => s.Savers);
        var notes = trace.UnmodeledPeak.Count;
        try
        {
            PeakTerms(trace, output, ByteCount.Zero);
        }
        catch (System.OverflowException)
        {
            // A byte count past long.MaxValue: the memory table's own run says so.
        }
        finally
        {
            foreach (var saved in savers) saved.Key.Savers = saved.Value;
            trace.UnmodeledPeak.RemoveRange(notes, trace.UnmodeledPeak.Count - notes);
        }
    }

    /// <summary>
    /// Null when some size is unknown or the step's loss cannot take the output (<see cref="LossRule.Misfit"/>). The loss's
    /// target is not in these lines (<see cref="MemoryRows.StepPeakLines"/> adds it with the input).
    /// </summary>
    public static List<ByteCount>? PeakTerms(ForwardTrace trace, ActivationTensor output, ByteCount optimizerStepTransient)
    {
        if (UnmodeledBackward(trace) is not null) return null;
        var loss = trace.Loss;
        if (loss.Misfit(output.Shape) is not null) return null;
        if (UnmodeledLoss(trace, output) is { } note)
        {
            trace.UnmodeledPeak.Add(note);
            return null;
        }
        if (loss.ThreadsMeasured) trace.PeakFollowsKernels = true;
        if (trace.ForwardPeaks() is not { } forwardPeaks) return null;
        var terms = new List<ByteCount>(forwardPeaks);
        if (trace.LiveBytes() is not { } live || output.ElementType.SizeOf() is not { } elementSize) return null;
        ByteCount outputGradient;
        try { outputGradient = ByteCount.Of(output.Shape.ElementCount, elementSize); }
        catch (System.Exception e) when (e is NotLinearInBatchException or System.OverflowException) { return null; }

        // The loss's own allocations, forward then backward, until the output's gradient is handed to the model's backward.
        live = LossSequence.Play(loss.Forward, live, outputGradient, elementSize, terms);
        live = LossSequence.Play(loss.Backward, live, outputGradient, elementSize, terms).Plus(outputGradient.Negate());

        var engine = new BackwardEngine(trace, output, outputGradient, live, terms);
        try
        {
            foreach (var node in Enumerable.Reverse(trace.Tape))
            {
                if (!engine.Run(node)) return null;
            }
        }
        catch (UnknownArgumentException e)
        {
            // A gradient's layout decision whose answer changes with the batch size (BatchDecisions).
            trace.UnmodeledPeak.Add($"Peak is unknown: {e.Unknown.Reason}.");
            return null;
        }
        // loss.backward()'s ones gradient (each rule's first backward token) is freed when backward returns.
        live = engine.Live.Plus(new ByteCount(-elementSize, 0));

        // The optimizer step runs with whatever backward left alive.
        terms.Add(live.Plus(optimizerStepTransient));
        if (engine.Uncertain.Any(u => !terms.Any(t => AtOrAbove(t, u))))
        {
            trace.UnmodeledPeak.Add("Peak is unknown: backward sums two gradients of one tensor where autograd adds them in place "
                + "in some measured cases and out of place in others, and here that decides the peak.");
            return null;
        }
        return Prune(terms);
    }

    /// <summary>Why the loss's allocations are not known for this output, as the Notes' sentence; null when they are.</summary>
    private static string? UnmodeledLoss(ForwardTrace trace, ActivationTensor output)
    {
        var loss = trace.Loss;
        // A strided output's loss makes gradients in its layout (log_softmax's, mse's), which backward's rules were not measured on.
        if (!output.IsContiguous || output.LayoutNotFollowed)
            return $"Peak is unknown: forward returns a strided tensor, and what {loss.Call} and its gradient allocate for one was not measured.";
        if (loss.FloatTypes is { } measured && !measured.Contains(output.ElementType))
            return $"Peak is unknown: {loss.Call} on a {output.ElementType} output reduces in another type, which was not measured.";
        if (loss.ThreadsMeasured && trace.Kernels != Model.KernelProfile.Measured)
            return $"Peak is unknown: the mean in {loss.Call} keeps a buffer per thread, measured on {Model.KernelProfile.Measured}, "
                + $"not on {trace.Kernels}.";
        return null;
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
            .OrderBy(t => t.PinPerSample()).ThenBy(t => t.PinConstant())
            .ToList();

    /// <summary>
    /// Whether <paramref name="upper"/> is at or above <paramref name="lower"/> at every B: its linear parts and each page-rounded buffer
    /// of the lower line.
    /// </summary>
    private static bool AtOrAbove(ByteCount upper, ByteCount lower) =>
        upper.PartsAtLeast(lower)
        && upper.Rounded.All(r => r.Times > 0)
        && lower.Rounded.All(r => r.Times > 0 && upper.Rounded.Any(u => u.SameBuffer(r) && u.Times >= r.Times));

}

using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Analysis;

/// <summary>
/// The inference table's rows from the inference pass (eval mode, autograd off): what the DisposeScope holds after
/// forward, and forward's own peaks on top of the parameters, buffers and input batch.
/// </summary>
internal static class InferenceRows
{
    public static InferenceMemory Of(long resident, long inputBytesPerSample, ForwardTrace pass)
    {
        var activations = ActivationAccounting.Of(pass, pass.ParameterElementType).Total;
        var steady = new ByteCount(resident, inputBytesPerSample);
        string? why = null;
        EquatableArray<ByteCount>? lines = null;
        long? atBatchOne = null;
        var regimes = new List<PeakRegime>();
        if (activations is not null)
        {
            why = UnmodeledPeak(pass) ?? pass.BatchOnePass.Map(UnmodeledPeak)
                ?? pass.LargerBatchPasses.Select(UnmodeledPeak).FirstOrDefault(n => n is not null);
            if (why is null && pass.KernelsChangeAt.Count > pass.LargerBatchPasses.Count)
                why = $"Peak is unknown: layers change kernels at more than {InterpreterLimits.MaxBatchRegimes} batch sizes "
                    + $"({string.Join(", ", pass.KernelsChangeAt)}), more than the analysis follows.";
            if (why is null)
            {
                var main = Lines(pass, steady);
                var one = pass.BatchOnePass is { } batchOne ? Lines(batchOne, steady) : null;
                var larger = pass.LargerBatchPasses.Select(p => (p.StandsFromBatch!.Value, Lines(p, steady))).ToList();
                if (main is null || (pass.BatchOnePass is not null && one is null) || larger.Any(r => r.Item2 is null))
                {
                    why = "Peak is unknown: forward makes a tensor whose size is not linear in the batch size.";
                }
                else
                {
                    lines = main;
                    if (one is { } oneLines) atBatchOne = Enumerable.Max(oneLines.Select(l => l.At(1)));
                    regimes.AddRange(larger.Select(r => new PeakRegime(r.Item1, r.Item2!.Value)));
                }
            }
        }
        // Batch 1's own pass may keep less (a one-sample transpose needs no copy), as in the training table.
        long? activationsAtBatchOne = null;
        if (activations is not null && pass.BatchOnePass is { } onePass)
        {
            if (ActivationAccounting.Of(onePass, onePass.ParameterElementType).Total is not { } atOne)
                return new InferenceMemory(inputBytesPerSample, null, null, null, EquatableArray<PeakRegime>.Empty, null);
            if (atOne.At(1) != activations.Value.At(1)) activationsAtBatchOne = atOne.At(1);
        }
        return new InferenceMemory(inputBytesPerSample, activations, lines, atBatchOne, regimes.ToEquatableArray(), why)
        {
            ActivationsAtBatchOne = activationsAtBatchOne
        };
    }

    /// <summary>
    /// Why forward's peak is not known: a layer call whose work tensors are not modeled for this pass (every rule that
    /// allocates inside without modeling it says so through <c>LayerCall.PeakNotModeled</c>).
    /// </summary>
    private static string? UnmodeledPeak(ForwardTrace pass) => pass.UnmodeledPeak.FirstOrDefault();

    /// <summary>One line per allocation of forward (resident rows + input + what was live then), dominated lines dropped.</summary>
    private static EquatableArray<ByteCount>? Lines(ForwardTrace pass, ByteCount steady)
    {
        if (pass.ForwardPeaks() is not { } peaks) return null;
        var terms = peaks.Append(ByteCount.Zero).Distinct().ToList();
        if (terms.Any(t => t.Rounded.Any(r => r.Times <= 0))) return null;
        // A linear line no larger than another linear line at every batch can never be the peak.
        var kept = terms
            .Where(t => !t.IsLinear || !terms.Any(o => o.IsLinear && !o.Equals(t)
                && o.PinConstant() >= t.PinConstant() && o.PinPerSample() >= t.PinPerSample()))
            .ToList();
        return kept.Select(t => steady.Plus(t)).ToEquatableArray();
    }

    private static TResult? Map<T, TResult>(this T? value, System.Func<T, TResult?> map) where T : class where TResult : class =>
        value is null ? null : map(value);
}

using System;
using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Parametric;

/// <summary>
/// Adds <see cref="SequenceAnalysis"/>'s formulas to a profiled spec once they give the profiled table back at the
/// profiled length: the same rules, so a difference is a bug in following T, never a number to emit. Where they are not
/// generated, a Note says why: the report's length-taking members then say unknown.
/// </summary>
internal static class SequenceFormulas
{
    public static ModelSpec Add(ModelSpec spec, Func<(SequenceSpec? Spec, string? WhyNot)>? analyze)
    {
        (SequenceSpec? Spec, string? WhyNot) result;
        if (analyze is null || spec.Memory is null) result = (null, "the profiled table has no memory rows");
        else
        {
            try { result = analyze(); }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                result = (null, $"{exception.GetType().Name}: {exception.Message}");
            }
        }
        if (result.Spec is { } sequence && Disagreement(sequence, spec.Memory!) is { } row)
            result = (null, $"the analysis in T disagrees with the profiled table at the profiled length ({row})");
        if (result.Spec is null)
        {
            return spec with { Notes = spec.Notes.Append("The memory at other sequence lengths is unknown: "
                + (result.WhyNot ?? "forward could not be followed with the length as a symbol") + ".").ToEquatableArray() };
        }
        if (InferenceDisagreement(result.Spec, spec.Memory!) is { } inferenceRow)
        {
            var paths = result.Spec.Paths.Select(p => p with { Inference = null }).ToEquatableArray();
            return spec with
            {
                Sequence = result.Spec with { Paths = paths },
                Notes = spec.Notes.Append("The inference table at other sequence lengths is unknown: the analysis in T disagrees "
                    + $"with the profiled one at the profiled length ({inferenceRow}).").ToEquatableArray(),
            };
        }
        return spec with { Sequence = result.Spec };
    }

    /// <summary>Where the first path's inference pass at the profiled length is not the profiled inference table; else null.</summary>
    private static string? InferenceDisagreement(SequenceSpec sequence, Memory memory)
    {
        var at = new[] { sequence.ProfiledLength };
        if (sequence.Paths[0].Inference is not { } path) return null;
        if (memory.Inference is not { Activations: { IsLinear: true } activations } table || table.LargerBatchPeaks.Count > 0)
            return "its activations";
        if (path.InputPerSample.Evaluate(at) != table.InputBytesPerSample) return "Input";
        long AtOne(ParametricBytes bytes) => checked(bytes.Constant.Evaluate(at) + bytes.PerSample.Evaluate(at));
        if (path.Activations.Constant.Evaluate(at) != activations.PinConstant()
            || path.Activations.PerSample.Evaluate(at) != activations.PinPerSample()
            || (table.ActivationsAtBatchOne ?? activations.At(1)) != AtOne(path.ActivationsAtBatchOne ?? path.Activations))
        {
            return "Activations";
        }
        if (path.PeakLines is not { } lines) return null;
        if (table.PeakLines is not { } known || known.Any(l => !l.IsLinear)) return "Peak";
        long Peak(long batch, IEnumerable<ParametricBytes> formulas) =>
            formulas.Max(f => checked(f.Constant.Evaluate(at) + f.PerSample.Evaluate(at) * batch));
        if (table.PeakAtBatchOne != (path.PeakLinesAtBatchOne is { } one ? Peak(1, one) : null)) return "Peak at batch 1";
        return new long[] { 2, 64, 1024 }.Any(b => Peak(b, lines) != known.Max(l => l.At(b))) ? "Peak" : null;
    }

    /// <summary>
    /// The row where the first path at the profiled length does not give the profiled input, activations or peak
    /// (batch 1, 2, 64, 1,024); null where it gives them all.
    /// </summary>
    private static string? Disagreement(SequenceSpec sequence, Memory memory)
    {
        var at = new[] { sequence.ProfiledLength };
        var path = sequence.Paths[0];
        if (!path.Guards.All(g => g.Holds(at))) return "its guards";
        if (path.InputPerSample.Evaluate(at) != memory.InputBytesPerSample) return "Input";
        if (memory.Activations is not { IsLinear: true } activations
            || path.Activations.Constant.Evaluate(at) != activations.PinConstant()
            || path.Activations.PerSample.Evaluate(at) != activations.PinPerSample())
        {
            return "Activations";
        }
        // The table keeps batch 1's own activations only where they differ from the formula's; the path keeps them always.
        long AtOne(ParametricBytes bytes) => checked(bytes.Constant.Evaluate(at) + bytes.PerSample.Evaluate(at));
        if ((memory.ActivationsAtBatchOne ?? activations.At(1)) != AtOne(path.ActivationsAtBatchOne ?? path.Activations))
            return "Activations at batch 1";
        if (path.PeakLines is not { } lines) return null;
        if (memory.PeakLines is not { } table || table.Any(l => !l.IsLinear)) return "Peak";
        long Peak(long batch, System.Collections.Generic.IEnumerable<ParametricBytes> formulas) =>
            formulas.Max(f => checked(f.Constant.Evaluate(at) + f.PerSample.Evaluate(at) * batch));
        var atOne = path.PeakLinesAtBatchOne is { } one ? Peak(1, one) : (long?)null;
        if (memory.PeakAtBatchOne != atOne) return $"Peak at batch 1: {atOne} against {memory.PeakAtBatchOne}";
        return new long[] { 2, 64, 1024 }.FirstOrDefault(b => Peak(b, lines) != table.Max(l => l.At(b))) is var b and > 0
            ? $"Peak at batch {b}: {Peak(b, lines)} against {table.Max(l => l.At(b))}"
            : null;
    }
}

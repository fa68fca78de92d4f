using System;
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
        if (result.Spec is { } sequence && !Agrees(sequence, spec.Memory!))
            result = (null, "the analysis in T disagrees with the profiled table at the profiled length");
        if (result.Spec is null)
        {
            return spec with { Notes = spec.Notes.Append("The memory at other sequence lengths is unknown: "
                + (result.WhyNot ?? "forward could not be followed with the length as a symbol") + ".").ToEquatableArray() };
        }
        return spec with { Sequence = result.Spec };
    }

    /// <summary>The first path at the profiled length gives the profiled input, activations and peak (batch 1, 2, 64, 1,024).</summary>
    private static bool Agrees(SequenceSpec sequence, Memory memory)
    {
        var at = new[] { sequence.ProfiledLength };
        var path = sequence.Paths[0];
        if (!path.Guards.All(g => g.Holds(at)) || path.InputPerSample.Evaluate(at) != memory.InputBytesPerSample) return false;
        if (memory.Activations is not { IsLinear: true } activations
            || path.Activations.Constant.Evaluate(at) != activations.PinConstant()
            || path.Activations.PerSample.Evaluate(at) != activations.PinPerSample())
        {
            return false;
        }
        long? AtOne(ParametricBytes? bytes) => bytes is null ? null : bytes.Constant.Evaluate(at) + bytes.PerSample.Evaluate(at);
        if (memory.ActivationsAtBatchOne != AtOne(path.ActivationsAtBatchOne)) return false;
        if (path.PeakLines is not { } lines) return true;
        if (memory.PeakLines is not { } table || table.Any(l => !l.IsLinear)) return false;
        long Peak(long batch, System.Collections.Generic.IEnumerable<ParametricBytes> formulas) =>
            formulas.Max(f => checked(f.Constant.Evaluate(at) + f.PerSample.Evaluate(at) * batch));
        var atOne = path.PeakLinesAtBatchOne is { } one ? Peak(1, one) : (long?)null;
        return memory.PeakAtBatchOne == atOne
            && new long[] { 2, 64, 1024 }.All(b => Peak(b, lines) == table.Max(l => l.At(b)));
    }
}

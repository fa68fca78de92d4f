using System;
using System.ComponentModel;
using System.Linq;

namespace TorchBudget;

/// <summary>
/// What generated code hands the runtime for a model whose inputs mark sequence dimensions: the profiled input's
/// sequence dimensions, the profiled length, the lengths the formulas cover (as text) and the function that evaluates
/// them at a length (null where they were not generated: the Notes say why).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GeneratedSequence(int[] dimensions, long profiledLength, string covered, Func<long, SequenceStep?>? at)
{
    internal int[] Dimensions { get; } = dimensions ?? Array.Empty<int>();

    internal long ProfiledLength { get; } = profiledLength;

    internal string Covered { get; } = covered ?? "";

    internal Func<long, SequenceStep?>? At { get; } = at;

    /// <summary>The same marking with no formulas: a report whose other lengths are unknown.</summary>
    internal GeneratedSequence WithoutFormulas() => new(Dimensions, ProfiledLength, "", null);
}

/// <summary>
/// The training step's length-dependent rows at one sequence length, as generated formulas give them: the Input row
/// per sample, the activations and the peak lines (null where the peak is unknown in the length), with batch 1's own
/// where it runs other kernels, and the inference pass's where it was followed in the length.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SequenceStep(long inputBytesPerSample, ByteFormula activations, ByteFormula[]? peakLines,
    ByteFormula? activationsAtBatchOne = null, ByteFormula[]? peakLinesAtBatchOne = null, SequenceInference? inference = null)
{
    internal bool HasPeak => peakLines is not null;

    internal bool HasInference => inference is not null;

    internal MemoryModel ToModel(MemoryModel profiled) => new(profiled.ParameterBytes, profiled.BufferBytes, profiled.GradientBytes,
        profiled.OptimizerStateBytes, inputBytesPerSample, activations, peakLines,
        peakAtBatchOne: peakLines is null ? null : peakLinesAtBatchOne?.Max(l => l.At(1)),
        activationsAtBatchOne: activationsAtBatchOne?.At(1), inference: inference?.ToModel());
}

/// <summary>The inference pass's rows at one sequence length, as generated formulas give them (see <see cref="SequenceStep"/>).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SequenceInference(long inputBytesPerSample, ByteFormula activations, ByteFormula[]? peakLines,
    ByteFormula? activationsAtBatchOne = null, ByteFormula[]? peakLinesAtBatchOne = null)
{
    internal InferenceModel ToModel() => new(inputBytesPerSample, activations, peakLines,
        peakLines is null ? null : peakLinesAtBatchOne?.Max(l => l.At(1)), null, activationsAtBatchOne?.At(1));
}

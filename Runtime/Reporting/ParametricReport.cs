using System;
using System.ComponentModel;
using System.Linq;

namespace TorchBudget;

/// <summary>
/// What generated <c>MemoryReportFor(...)</c> and <c>ParameterCountFor(...)</c> build from their formulas away from
/// the profiled constructor arguments.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ParametricReport
{
    /// <summary>
    /// A report at other constructor sizes: counts and the model-state rows (parameters, buffers, gradients, optimizer
    /// state) from the formulas, the input row as profiled (it does not depend on the constructor), activations and the
    /// peak where the formulas know them (with batch 1's own where it runs other kernels), and inference unknown, with
    /// Notes that say so.
    /// </summary>
    public static MemoryReport Build(MemoryReport profiled, string arguments, long parameterCount, long trainableParameterCount, long bufferElements,
        long parameterBytes, long bufferBytes, long gradientBytes, long optimizerStateBytes, ByteFormula? activations, ByteFormula[]? peakLines,
        ByteFormula? activationsAtBatchOne, ByteFormula[]? peakLinesAtBatchOne, GeneratedLayer[] layers)
    {
        if (profiled is null) throw new ArgumentNullException(nameof(profiled));
        if (profiled.Memory is null) throw new ArgumentException("the profiled report has no memory table", nameof(profiled));
        var exact = "the counts, parameters, buffers, gradients and optimizer state" +
            (activations is null ? "" : peakLines is null ? " and activations" : ", activations and the peak");
        var unknown = activations is null
            ? "Activations, the peak and the inference table are unknown at these sizes: forward was followed with the sizes as " +
                "polynomials only where it decides as here and every layer's shapes follow them (see docs/parametric.md)."
            : peakLines is null
            ? "The peak and the inference table are unknown at these sizes: backward's simulation could not be followed with the sizes " +
                "as polynomials here (see docs/parametric.md)."
            : "The inference table is unknown at these sizes: the inference pass is worked out at the profiled constructor arguments only.";
        var notes = new[] { $"Built for {arguments} by the same layer rules as the profiled report: {exact} are exact.", unknown }
            .Concat(profiled.Sequence is null ? Array.Empty<string>()
                : new[] { "The sequence length stays the profiled one here: the formulas in T hold at the profiled constructor arguments only." })
            .ToArray();
        // Batch 1's own pass (other kernels there): its activations, and its peak as the largest of its lines at B = 1.
        var memory = new MemoryModel(parameterBytes, bufferBytes, gradientBytes, optimizerStateBytes, profiled.Memory.InputBytesPerSample,
            activations, peakLines, peakAtBatchOne: peakLines is null ? null : peakLinesAtBatchOne?.Max(l => l.At(1)),
            activationsAtBatchOne: activations is null ? null : activationsAtBatchOne?.At(1));
        return new MemoryReport(profiled.ModelName, profiled.InputShape.ToArray(), profiled.DType, profiled.InputDType, profiled.Optimizer,
            profiled.BatchSizes.ToArray(), parameterCount, trainableParameterCount, bufferElements, isComplete: false, notes,
            layers.Select(l => l.ToReport()).ToArray(), outputShape: null, memory)
        {
            // The length is marked, but other lengths are unknown here (ForSequenceLength says so with the Notes).
            Sequence = profiled.Sequence is { } sequence ? sequence.WithoutFormulas() : null,
            KernelProfile = profiled.KernelProfile,
            PeaksFollowKernels = profiled.PeaksFollowKernels,
            // The step the formulas describe: the profiled one's loss, optimizer scope and inputs.
            Loss = profiled.Loss,
            OptimizerParameters = profiled.OptimizerParameters,
            LossOutput = profiled.LossOutput,
            FurtherInputs = profiled.FurtherInputs,
            ForwardArguments = profiled.ForwardArguments,
            SequenceLength = profiled.SequenceLength,
        };
    }

    /// <summary>The exception for sizes on none of the analyzed construction paths.</summary>
    public static ArgumentOutOfRangeException NotCovered(string modelName, string arguments, string covered) =>
        new("arguments", $"{modelName}({arguments}): the constructor takes other decisions at these sizes than on any path TorchBudget " +
            $"followed, so it has no exact count for them. Covered: {covered}.");
}

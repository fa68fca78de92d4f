using System;
using System.Linq;

namespace TorchBudget;

/// <summary>
/// What generated <c>MemoryReportFor(...)</c> and <c>ParameterCountFor(...)</c> build from their formulas away from
/// the profiled constructor arguments.
/// </summary>
public static class ParametricReport
{
    /// <summary>
    /// A report at other constructor sizes: counts and the model-state rows (parameters, buffers, gradients, optimizer
    /// state) from the formulas, the input row as profiled (it does not depend on the constructor), activations where
    /// the formulas know them, and peak and inference unknown, with Notes that say so.
    /// </summary>
    public static MemoryReport Build(MemoryReport profiled, string arguments, long parameterCount, long trainableParameterCount, long bufferElements,
        long parameterBytes, long bufferBytes, long gradientBytes, long optimizerStateBytes, ByteFormula? activations, LayerReport[] layers)
    {
        if (profiled is null) throw new ArgumentNullException(nameof(profiled));
        if (profiled.Memory is null) throw new ArgumentException("the profiled report has no memory table", nameof(profiled));
        var notes = new[]
        {
            activations is null
                ? $"Built for {arguments} by the same layer rules as the profiled report: the counts, parameters, buffers, gradients and optimizer state are exact."
                : $"Built for {arguments} by the same layer rules as the profiled report: the counts, parameters, buffers, gradients, optimizer state and activations are exact.",
            activations is null
                ? "Activations, the peak and the inference table are unknown at these sizes: forward was followed with the sizes as polynomials only where it decides as here and every layer's shapes follow them (see docs/parametric.md)."
                : "The peak and the inference table are unknown at these sizes: backward and the inference pass are worked out at the profiled constructor arguments only.",
        };
        var memory = new MemoryModel(parameterBytes, bufferBytes, gradientBytes, optimizerStateBytes, profiled.Memory.InputBytesPerSample, activations, peakLines: null);
        return new MemoryReport(profiled.ModelName, profiled.InputShape.ToArray(), profiled.DType, profiled.InputDType, profiled.Optimizer, profiled.BatchSizes.ToArray(),
            parameterCount, trainableParameterCount, bufferElements, isComplete: false, notes, layers, outputShape: null, memory);
    }

    /// <summary>The exception for sizes on none of the analyzed construction paths.</summary>
    public static ArgumentOutOfRangeException NotCovered(string modelName, string arguments, string covered) =>
        new("arguments", $"{modelName}({arguments}): the constructor takes other decisions at these sizes than on any path TorchBudget followed, so it has no exact count for them. Covered: {covered}.");
}

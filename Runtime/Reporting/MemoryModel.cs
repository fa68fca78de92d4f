using System;

namespace TorchBudget;

/// <summary>
/// The byte counts the generator worked out, as formulas in the batch size B: fixed rows, and
/// rows of the form Constant + PerSample × B. Null parts are unknown (see <see cref="MemoryReport.Notes"/>).
/// </summary>
public sealed class MemoryModel
{
    /// <summary>Creates the formulas; generated code calls this.</summary>
    public MemoryModel(long parameterBytes, long bufferBytes, long gradientBytes, long optimizerStateBytes, long inputBytesPerSample,
        long? activationBytesConstant, long? activationBytesPerSample, long? peakBytesConstant, long? peakBytesPerSample)
    {
        ParameterBytes = parameterBytes;
        BufferBytes = bufferBytes;
        GradientBytes = gradientBytes;
        OptimizerStateBytes = optimizerStateBytes;
        InputBytesPerSample = inputBytesPerSample;
        ActivationBytesConstant = activationBytesConstant;
        ActivationBytesPerSample = activationBytesPerSample;
        PeakBytesConstant = peakBytesConstant;
        PeakBytesPerSample = peakBytesPerSample;
    }

    /// <summary>Bytes of all parameters.</summary>
    public long ParameterBytes { get; }

    /// <summary>Bytes of all buffers.</summary>
    public long BufferBytes { get; }

    /// <summary>Bytes of the trainable parameters' gradients.</summary>
    public long GradientBytes { get; }

    /// <summary>Bytes of optimizer state.</summary>
    public long OptimizerStateBytes { get; }

    /// <summary>Input bytes per sample, its Int64 label included.</summary>
    public long InputBytesPerSample { get; }

    /// <summary>The batch-independent part of the activations (e.g. BatchNorm statistics); null when unknown.</summary>
    public long? ActivationBytesConstant { get; }

    /// <summary>Activation bytes per sample; null when unknown.</summary>
    public long? ActivationBytesPerSample { get; }

    /// <summary>The batch-independent part of the peak; null when unknown.</summary>
    public long? PeakBytesConstant { get; }

    /// <summary>Peak bytes per sample; null when unknown.</summary>
    public long? PeakBytesPerSample { get; }

    internal string? MissingRows =>
        ActivationBytesPerSample is null || ActivationBytesConstant is null ? "Activations and Peak"
        : PeakBytesPerSample is null || PeakBytesConstant is null ? "Peak"
        : null;

    internal MemoryBreakdown At(long batchSize) => checked(new MemoryBreakdown(
        batchSize,
        ParameterBytes,
        BufferBytes,
        GradientBytes,
        OptimizerStateBytes,
        InputBytesPerSample * batchSize,
        ActivationBytesConstant!.Value + ActivationBytesPerSample!.Value * batchSize,
        PeakBytesConstant!.Value + PeakBytesPerSample!.Value * batchSize));
}

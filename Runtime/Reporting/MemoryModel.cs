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
        long? activationBytesConstant, long? activationBytesPerSample, long[]? peakTerms, long? peakAtBatchOne = null)
    {
        if (peakTerms is { Length: 0 } || peakTerms?.Length % 2 == 1) throw new ArgumentException("Peak terms come in (constant, per-sample) pairs.", nameof(peakTerms));
        ParameterBytes = parameterBytes;
        BufferBytes = bufferBytes;
        GradientBytes = gradientBytes;
        OptimizerStateBytes = optimizerStateBytes;
        InputBytesPerSample = inputBytesPerSample;
        ActivationBytesConstant = activationBytesConstant;
        ActivationBytesPerSample = activationBytesPerSample;
        PeakTerms = peakTerms is null ? null : Array.AsReadOnly(peakTerms);
        PeakAtBatchOne = peakAtBatchOne;
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

    /// <summary>
    /// The peak as (constant, per-sample) pairs: Peak(B) is the largest Constant + PerSample × B, one pair per
    /// moment of the step that can be the highest (forward, backward's ops, the optimizer step); null when unknown.
    /// </summary>
    public System.Collections.Generic.IReadOnlyList<long>? PeakTerms { get; }

    /// <summary>
    /// The peak at batch 1 where the step runs other kernels there than at 2 and more (ATen runs a small
    /// convolution on its own path at batch 1, oneDNN from 2), so <see cref="PeakTerms"/> hold from batch 2; else null.
    /// </summary>
    public long? PeakAtBatchOne { get; }

    /// <summary>The peak at <paramref name="batchSize"/>.</summary>
    public long PeakAt(long batchSize)
    {
        if (PeakTerms is null) throw new InvalidOperationException("The peak is unknown.");
        return PeakFormula.At(PeakTerms, PeakAtBatchOne, batchSize);
    }

    internal string? MissingRows =>
        ActivationBytesPerSample is null || ActivationBytesConstant is null ? "Activations and Peak"
        : PeakTerms is null ? "Peak"
        : null;

    internal MemoryBreakdown At(long batchSize) => checked(new MemoryBreakdown(
        batchSize,
        ParameterBytes,
        BufferBytes,
        GradientBytes,
        OptimizerStateBytes,
        InputBytesPerSample * batchSize,
        ActivationBytesConstant!.Value + ActivationBytesPerSample!.Value * batchSize,
        PeakAt(batchSize)));
}

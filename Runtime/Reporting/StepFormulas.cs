using System;
using System.Collections.Generic;

namespace TorchBudget;

/// <summary>
/// The activation and peak formulas of one pass in the batch size B, the one type the training table
/// (<see cref="MemoryModel"/>) and the inference table (<see cref="InferenceModel"/>) both keep. Null parts are unknown.
/// </summary>
internal sealed class StepFormulas
{
    private readonly string pass;

    /// <summary>Checks the parts against each other; <paramref name="pass"/> names the pass in errors ("" for training,
    /// "inference " for inference).</summary>
    public StepFormulas(string pass, ByteFormula? activations, long? activationsAtBatchOne, ByteFormula[]? peakLines, long? peakAtBatchOne,
        PeakRegime[]? largerBatchPeaks)
    {
        if (activationsAtBatchOne is not null && activations is null)
            throw new ArgumentException("Batch 1's activations refine known activations.", nameof(activationsAtBatchOne));
        if (largerBatchPeaks is { Length: > 0 } && peakLines is null)
            throw new ArgumentException("Regimes refine a known peak.", nameof(largerBatchPeaks));
        for (var i = 1; i < (largerBatchPeaks?.Length ?? 0); i++)
        {
            if (largerBatchPeaks![i].FromBatch <= largerBatchPeaks[i - 1].FromBatch)
                throw new ArgumentException("Regimes come in ascending batch order.", nameof(largerBatchPeaks));
        }
        if (peakLines is { Length: 0 }) throw new ArgumentException("A known peak has at least one line.", nameof(peakLines));
        this.pass = pass;
        Activations = activations;
        ActivationsAtBatchOne = activationsAtBatchOne;
        PeakLines = peakLines is null ? null : Array.AsReadOnly(peakLines);
        PeakAtBatchOne = peakAtBatchOne;
        LargerBatchPeaks = Array.AsReadOnly(largerBatchPeaks ?? Array.Empty<PeakRegime>());
    }

    public ByteFormula? Activations { get; }

    public long? ActivationsAtBatchOne { get; }

    public IReadOnlyList<ByteFormula>? PeakLines { get; }

    public long? PeakAtBatchOne { get; }

    public IReadOnlyList<PeakRegime> LargerBatchPeaks { get; }

    public long ActivationsAt(long batchSize)
    {
        if (Activations is null) throw new InvalidOperationException($"The {pass}activations are unknown.");
        return batchSize == 1 && ActivationsAtBatchOne is { } atOne ? atOne : Activations.At(batchSize);
    }

    public long PeakAt(long batchSize)
    {
        if (PeakLines is null) throw new InvalidOperationException($"The {pass}peak is unknown.");
        return PeakFormula.At(PeakLines, PeakAtBatchOne, batchSize, LargerBatchPeaks);
    }

    /// <summary>The largest batch whose peak fits in <paramref name="usableBytes"/>; 0 when none does. The peak is known.</summary>
    public long LargestBatch(decimal usableBytes) => PeakFormula.LargestBatch(PeakLines!, PeakAtBatchOne, usableBytes, LargerBatchPeaks);

    public string? MissingRows =>
        Activations is null ? "Activations and Peak"
        : PeakLines is null ? "Peak"
        : null;
}

using System;
using System.Collections.Generic;

namespace TorchBudget;

/// <summary>
/// The inference pass's byte formulas in the batch size B: <c>model.eval()</c>, then inside <c>torch.NewDisposeScope()</c>
/// and <c>torch.no_grad()</c>, <c>y = model.forward(x)</c>. Parameters and buffers are the training table's
/// (<see cref="MemoryModel"/>); null parts are unknown (see <see cref="MemoryReport.Notes"/>).
/// </summary>
public sealed class InferenceModel
{
    internal InferenceModel(long inputBytesPerSample, ByteFormula? activations, ByteFormula[]? peakLines, long? peakAtBatchOne = null,
        PeakRegime[]? largerBatchPeaks = null, long? activationsAtBatchOne = null)
    {
        formulas = new StepFormulas("inference ", activations, activationsAtBatchOne, peakLines, peakAtBatchOne, largerBatchPeaks);
        if (peakLines is not null && activations is null) throw new ArgumentException("A known peak needs known activations.", nameof(peakLines));
        InputBytesPerSample = inputBytesPerSample;
    }

    private readonly StepFormulas formulas;

    /// <summary>Bytes of one sample of the input batch (no labels: inference takes none).</summary>
    public long InputBytesPerSample { get; }

    /// <summary>Bytes the DisposeScope holds at the end of forward (tensors forward created); null when unknown.</summary>
    public ByteFormula? Activations => formulas.Activations;

    /// <summary>
    /// The peak's lines, absolute (parameters, buffers and input included): Peak(B) is the largest at B, one per moment of
    /// forward that can be the highest; null when unknown.
    /// </summary>
    public IReadOnlyList<ByteFormula>? PeakLines => formulas.PeakLines;

    /// <summary>The peak at batch 1 where forward runs other kernels there (see <see cref="MemoryModel.PeakAtBatchOne"/>); else null.</summary>
    public long? PeakAtBatchOne => formulas.PeakAtBatchOne;

    /// <summary>The lines from larger batch sizes on where forward runs other kernels there, ascending; usually empty.</summary>
    public IReadOnlyList<PeakRegime> LargerBatchPeaks => formulas.LargerBatchPeaks;

    /// <summary>Activations at batch 1 where forward keeps other bytes there (see <see cref="MemoryModel.ActivationsAtBatchOne"/>);
    /// else null.</summary>
    public long? ActivationsAtBatchOne => formulas.ActivationsAtBatchOne;

    /// <summary>The activations at <paramref name="batchSize"/>.</summary>
    /// <exception cref="InvalidOperationException">They are unknown.</exception>
    public long ActivationsAt(long batchSize) => formulas.ActivationsAt(batchSize);

    /// <summary>The peak at <paramref name="batchSize"/>.</summary>
    /// <exception cref="InvalidOperationException">The peak is unknown.</exception>
    public long PeakAt(long batchSize) => formulas.PeakAt(batchSize);

    /// <summary>The largest batch whose peak fits in <paramref name="usableBytes"/>; 0 when none does.</summary>
    internal long LargestBatch(decimal usableBytes) => formulas.LargestBatch(usableBytes);

    internal string? MissingRows => formulas.MissingRows;
}

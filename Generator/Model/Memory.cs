using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Model;

/// <summary>
/// The memory of one training step as byte counts: fixed rows, and rows that grow with the batch (Constant +
/// PerSample × B, plus any buffer sized in whole pages). PeakLines are absolute bytes: Peak(B) is the largest line at
/// B, except at batch 1 when PeakAtBatchOne is set and from each of LargerBatchPeaks' batch sizes on (the step runs
/// other CPU kernels there).
/// Null fields are what the analysis could not know.
/// </summary>
internal sealed record Memory(
    long ParameterBytes,
    long BufferBytes,
    long GradientBytes,
    long OptimizerStateBytes,
    long InputBytesPerSample,
    ByteCount? Activations,
    EquatableArray<ByteCount>? PeakLines,
    string? OutputShape,
    long? PeakAtBatchOne = null)
{
    /// <summary>Activations at batch 1 where batch 1's own pass keeps other bytes than the formula gives there; else null.</summary>
    public long? ActivationsAtBatchOne { get; init; }

    /// <summary>The peak's lines from larger batch sizes on, ascending; empty when PeakLines hold for every batch from 2.</summary>
    public EquatableArray<PeakRegime> LargerBatchPeaks { get; init; } = EquatableArray<PeakRegime>.Empty;

    /// <summary>
    /// Tensors registration leaves out (layers in a List&lt;T&gt; field) and the gradients backward gives them: resident, in
    /// the peak, in no other row (see <see cref="Analysis.UnregisteredTensors"/>).
    /// </summary>
    public long UnregisteredBytes { get; init; }

    /// <summary>The inference pass's rows; null when no inference pass was followed.</summary>
    public InferenceMemory? Inference { get; init; }
}

namespace TorchBudget.Generator.Model;

/// <summary>
/// PeakTerms holds (constant, per-sample) pairs, absolute bytes: Peak(B) is the largest Constant + PerSample × B,
/// except at batch 1 when PeakAtBatchOne is set (the step runs other CPU kernels there).
/// The memory of one training step as byte counts: fixed rows, and rows that grow with the batch as
/// Constant + PerSample × B. Null fields are what the analysis could not know.
/// </summary>
internal sealed record Memory(
    long ParameterBytes,
    long BufferBytes,
    long GradientBytes,
    long OptimizerStateBytes,
    long InputBytesPerSample,
    long? ActivationBytesConstant,
    long? ActivationBytesPerSample,
    EquatableArray<long>? PeakTerms,
    string? OutputShape,
    long? PeakAtBatchOne = null);

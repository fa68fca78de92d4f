namespace TorchBudget.Generator.Model;

/// <summary>
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
    long? PeakBytesConstant,
    long? PeakBytesPerSample,
    string? OutputShape);

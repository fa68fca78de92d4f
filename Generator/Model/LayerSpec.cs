namespace TorchBudget.Generator.Model;

/// <summary>
/// One registered module, named by its <c>named_modules()</c> path. Counts are this module's own
/// (children excluded); null where the analysis could not know them.
/// </summary>
internal sealed record LayerSpec(
    string Name,
    string Kind,
    long? ParameterCount,
    long? TrainableParameterCount,
    long? BufferElements,
    string? OutputShape,
    long? ActivationBytesPerSample);

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
    long? ActivationBytesPerSample)
{
    /// <summary>Multiply-accumulates of the products this module runs itself, per sample; null when unknown.</summary>
    public long? MultiplyAccumulatesPerSample { get; init; }
}

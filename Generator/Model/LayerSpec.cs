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

    /// <summary>The arguments at its first call: "[B, 12]" for one tensor, "([B, 8], null, true)" for several; null when unknown.</summary>
    public string? InputShape { get; init; }

    /// <summary>The element types of <see cref="InputShape"/>: ScalarType.Int64, or "(Float32, null, null)".</summary>
    public string? InputElementType { get; init; }
}

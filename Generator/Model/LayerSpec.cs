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

    /// <summary>The kernel size of a convolution or pool ("5×5"); null for other layers or where it is not known.</summary>
    public string? Kernel { get; init; }

    /// <summary>A container's parameters, activations and multiply-accumulates over its whole subtree; null for a leaf.</summary>
    public SubtreeTotals? Subtree { get; init; }

    /// <summary>Its place in the order forward first calls modules (0 first); null when forward never calls it or was not followed.</summary>
    public int? FirstCall { get; init; }
}

/// <summary>A container module's own counts plus all its descendants', each module and parameter once; null where unknown.</summary>
internal sealed record SubtreeTotals(long? ParameterCount, long? TrainableParameterCount, long? ActivationBytesPerSample,
    long? MultiplyAccumulatesPerSample);

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// One tensor a module owns (a parameter or a buffer). Identity matters: TorchSharp counts a tensor
/// registered twice once.
/// </summary>
internal sealed class TensorSlot(long? elementCount, bool isParameter, string? elementType, long[]? shape = null)
{
    /// <summary>The shape when it is known (forward uses it when the tensor takes part in computation).</summary>
    public long[]? Shape { get; } = shape;

    /// <summary>Number of elements; null when the shape is unknown.</summary>
    public long? ElementCount { get; } = elementCount;

    public bool IsParameter { get; } = isParameter;

    /// <summary>The scalar type's name when fixed (e.g. "Int64" for num_batches_tracked); null: the module's dtype.</summary>
    public string? ElementType { get; } = elementType;

    public bool RequiresGrad { get; set; } = isParameter;
}

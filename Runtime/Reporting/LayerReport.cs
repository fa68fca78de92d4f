namespace TorchBudget;

/// <summary>One module of a profiled model, named as TorchSharp's <c>named_modules()</c> names it.</summary>
public sealed class LayerReport
{
    internal LayerReport(string name, string kind, long? parameterCount, long? trainableParameterCount, long? bufferElements,
        string? outputShape, long? activationBytesPerSample, long? multiplyAccumulatesPerSample = null,
        string? inputShape = null, string? inputElementType = null)
    {
        InputShape = Shape(inputShape, nameof(inputShape));
        InputElementType = inputElementType;
        MultiplyAccumulatesPerSample = multiplyAccumulatesPerSample;
        OutputShape = Shape(outputShape, nameof(outputShape));
        ActivationBytesPerSample = activationBytesPerSample;
        Name = name;
        Kind = kind;
        ParameterCount = parameterCount;
        TrainableParameterCount = trainableParameterCount;
        BufferElements = bufferElements;
    }

    /// <summary>Dotted path, e.g. <c>layer2.0.downsample.0</c>.</summary>
    public string Name { get; }

    /// <summary>The TorchSharp layer kind (<c>Conv2d</c>, <c>Sequential</c>) or the user module's class name.</summary>
    public string Kind { get; }

    /// <summary>Parameters this module registers itself (children excluded); null when unknown.</summary>
    public long? ParameterCount { get; }

    /// <summary>Of <see cref="ParameterCount"/>, those with requires_grad; null when unknown.</summary>
    public long? TrainableParameterCount { get; }

    /// <summary>Elements of the buffers this module registers itself; null when unknown.</summary>
    public long? BufferElements { get; }

    /// <summary>
    /// The arguments at its first call, B the batch size: <c>[B, 12]</c> for one tensor, <c>([B, 8], [B, 8], null, true)</c>
    /// for several (tensors, nulls and flags); null when unknown.
    /// </summary>
    public LayerShape? InputShape { get; }

    /// <summary>The element types of <see cref="InputShape"/> as TorchSharp names them: "Int64", or "(Float32, Float32, null, null)".</summary>
    public string? InputElementType { get; }

    /// <summary>
    /// What it returns at its first call in forward, B the batch size: <c>[B, 6, 28, 28]</c>, or a tuple; null when unknown.
    /// </summary>
    public LayerShape? OutputShape { get; }

    /// <summary>
    /// Multiply-accumulates per sample of the weight and matrix products this module runs itself (children's are on
    /// their rows), as torchinfo's "mult-adds"; null when unknown. Conventions: docs/compute-cost.md.
    /// </summary>
    public long? MultiplyAccumulatesPerSample { get; }

    /// <summary>Bytes per sample this layer leaves alive at the end of forward (outputs and what backward keeps); null when unknown.</summary>
    public long? ActivationBytesPerSample { get; }

    /// <summary>The kernel size of a convolution or pool, as "5×5"; null for other layers.</summary>
    public string? Kernel { get; internal init; }

    /// <summary>Its place in the order forward first calls modules (0 first); null when forward never calls it or is unknown.</summary>
    public int? FirstCall { get; internal init; }

    /// <summary>
    /// For a module with children: the parameters of its whole subtree, each tensor once (its <c>parameters()</c> count); for
    /// a leaf, null (see <see cref="ParameterCount"/>). Null also when unknown.
    /// </summary>
    public long? SubtreeParameterCount { get; internal init; }

    /// <summary>For a module with children: of <see cref="SubtreeParameterCount"/>, those with requires_grad.</summary>
    public long? SubtreeTrainableParameterCount { get; internal init; }

    /// <summary>For a module with children: the activation bytes per sample of its whole subtree, each module once.</summary>
    public long? SubtreeActivationBytesPerSample { get; internal init; }

    /// <summary>For a module with children: the multiply-accumulates per sample of its whole subtree, each module once.</summary>
    public long? SubtreeMultiplyAccumulatesPerSample { get; internal init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name} ({Kind}): {Format(ParameterCount)} parameters, {Format(BufferElements)} buffer elements";

    /// <summary>The analysis writes only shapes it can read back: anything else is a bug, not a row to show half.</summary>
    internal static LayerShape? Shape(string? text, string parameter) => text is null ? null
        : LayerShape.Parse(text) ?? throw new System.ArgumentException($"'{text}' is not a layer shape", parameter);

    internal static string Format(long? value) => value is { } v ? v.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "unknown";
}

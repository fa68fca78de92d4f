using System;
using TorchSharp;

namespace TorchBudget;

/// <summary>
/// Declares one further tensor argument of forward, for models that take several (tokens and a mask, an image and a
/// vector, an input and a state): its position among forward's parameters and one sample's shape. Position 0 is
/// <see cref="MemoryProfileAttribute"/>'s input. Each such tensor is batched like that input: [batch, ...shape].
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MemoryInputAttribute : Attribute
{
    /// <param name="position">The forward parameter's position, from 1.</param>
    /// <param name="shape">One sample's shape, without the batch dimension.</param>
    public MemoryInputAttribute(int position, params long[] shape)
    {
        Position = position;
        Shape = shape;
    }

    /// <summary>The forward parameter's position (0 is <see cref="MemoryProfileAttribute"/>'s input).</summary>
    public int Position { get; }

    /// <summary>One sample's shape, without the batch dimension.</summary>
    public long[] Shape { get; }

    /// <summary>
    /// Which of its dimensions are the sequence, as <see cref="MemoryProfileAttribute.SequenceDimensions"/> names the
    /// profiled input's (both sides of a [T, T] mask: 0 and 1); they have the profiled length. Empty by default.
    /// </summary>
    public int[] SequenceDimensions { get; set; } = Array.Empty<int>();

    /// <summary>The tensor's element type. Default Float32; Int64 for token ids, Bool for a mask.</summary>
    public torch.ScalarType DType { get; set; } = torch.ScalarType.Float32;
}

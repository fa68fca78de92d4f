using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace TorchBudget;

/// <summary>One tensor argument of forward: its parameter position, one sample's shape (without the batch) and type.</summary>
public sealed class ForwardInput
{
    /// <summary>A tensor argument at <paramref name="position"/>: [batch, ...<paramref name="shape"/>] of <paramref name="dtype"/>.</summary>
    public ForwardInput(int position, long[] shape, torch.ScalarType dtype) : this(position, shape, dtype, Array.Empty<int>())
    {
    }

    /// <summary>The same, with the dimensions of <paramref name="shape"/> that are the sequence ([MemoryInput]'s SequenceDimensions).</summary>
    public ForwardInput(int position, long[] shape, torch.ScalarType dtype, int[] sequenceDimensions)
    {
        SequenceDimensions = Array.AsReadOnly(sequenceDimensions ?? throw new ArgumentNullException(nameof(sequenceDimensions)));
        Position = position;
        Shape = Array.AsReadOnly(shape ?? throw new ArgumentNullException(nameof(shape)));
        DType = dtype;
    }

    /// <summary>The forward parameter's position; 0 is [MemoryProfile]'s input.</summary>
    public int Position { get; }

    /// <summary>One sample's shape, without the batch dimension.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The tensor's element type.</summary>
    public torch.ScalarType DType { get; }

    /// <summary>Which dimensions of <see cref="Shape"/> are the sequence; empty for most inputs.</summary>
    public IReadOnlyList<int> SequenceDimensions { get; }

    /// <summary>The same input with its sequence dimensions <paramref name="length"/> long.</summary>
    internal ForwardInput AtLength(long length) =>
        new(Position, Shape.Select((d, i) => SequenceDimensions.Contains(i) ? length : d).ToArray(), DType, SequenceDimensions.ToArray());
}

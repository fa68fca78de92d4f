using System;
using System.Collections.Generic;
using TorchSharp;

namespace TorchBudget;

/// <summary>One tensor argument of forward: its parameter position, one sample's shape (without the batch) and type.</summary>
public sealed class ForwardInput
{
    /// <summary>A tensor argument at <paramref name="position"/>: [batch, ...<paramref name="shape"/>] of <paramref name="dtype"/>.</summary>
    public ForwardInput(int position, long[] shape, torch.ScalarType dtype)
    {
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
}

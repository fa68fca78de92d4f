using System;
using System.Collections.Generic;
using TorchSharp;

namespace TorchBudget;

/// <summary>
/// The training step <see cref="MemoryReport.Measure"/> runs, as <c>[MemoryProfile]</c> would describe it, and the batches
/// it measures. Every property has the attribute's default.
/// </summary>
public sealed class MeasureOptions
{
    /// <summary>
    /// The parameters' element type the report is for; null: the model's own. Measure does not convert the model: convert it
    /// with <c>.to(dtype)</c> first (a model whose parameters have another type is an argument error).
    /// </summary>
    public torch.ScalarType? DType { get; init; }

    /// <summary>The element type of the input batch.</summary>
    public torch.ScalarType InputDType { get; init; } = torch.ScalarType.Float32;

    /// <summary>The optimizer whose state the step makes.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Which parameters the optimizer is given.</summary>
    public OptimizerParameters OptimizerParameters { get; init; }

    /// <summary>The step's loss; null: cross_entropy on a [batch, classes] output.</summary>
    public LossKind? Loss { get; init; }

    /// <summary>Which element of a tuple output the loss takes.</summary>
    public int LossOutput { get; init; }

    /// <summary>Forward's further tensor inputs (a mask, a second sequence), by position, each batched.</summary>
    public IReadOnlyList<ForwardInput> FurtherInputs { get; init; } = Array.Empty<ForwardInput>();

    /// <summary>Forward's arguments that are not tensors, by position (null at tensor positions and for defaults).</summary>
    public IReadOnlyList<object?> ForwardArguments { get; init; } = Array.Empty<object?>();

    /// <summary>
    /// The batches to measure, which are the rows of the report's tables: at least two from 2 (batch 1, which often runs
    /// other kernels, is always measured too). One more, between the two largest, checks that the peak is one line there.
    /// Other batches are fitted between these; the largest bounds what is measured, so keep it where you need answers.
    /// </summary>
    public IReadOnlyList<long> BatchSizes { get; init; } = new long[] { 1, 2, 4, 8, 16 };

    /// <summary>The device the steps run on; null: the CPU.</summary>
    public torch.Device? Device { get; init; }

    /// <summary>Training steps per measured batch; the last is measured (the first ones make lazily created state).</summary>
    public int Steps { get; init; } = 3;
}

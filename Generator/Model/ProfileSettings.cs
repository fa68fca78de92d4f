using System.Linq;

namespace TorchBudget.Generator.Model;

/// <summary>What <c>[MemoryProfile]</c> asked for, validated. The optimizer is kept by member name.</summary>
internal sealed record ProfileSettings(
    EquatableArray<long> InputShape,
    Shapes.ScalarType DType,
    Shapes.ScalarType InputDType,
    string Optimizer,
    EquatableArray<long> BatchSizes)
{
    /// <summary>The loss of the training step (<c>Loss</c> on the attribute).</summary>
    public Losses.LossKind Loss { get; init; } = Losses.LossKind.CrossEntropy;

    /// <summary>Whether the attribute names the loss; the default is taken for [batch, classes] outputs only.</summary>
    public bool LossDeclared { get; init; }

    /// <summary>The kernels the peaks are worked out for.</summary>
    public KernelProfile Kernels { get; init; } = KernelProfile.Measured;

    /// <summary>The input batch's shape, [B, ...InputShape]: what every forward pass is run on.</summary>
    public Shapes.TensorShape InputTensorShape => new(new[] { Shapes.Dim.Batch }.Concat(InputShape.Select(Shapes.Dim.Of)));
}

using System.Linq;

namespace TorchBudget.Generator.Model;

/// <summary>What <c>[MemoryProfile]</c> asked for, validated. Enum values are kept by member name.</summary>
internal sealed record ProfileSettings(
    EquatableArray<long> InputShape,
    string DType,
    string InputDType,
    string Optimizer,
    EquatableArray<long> BatchSizes)
{
    /// <summary>The input batch's shape, [B, ...InputShape]: what every forward pass is run on.</summary>
    public Shapes.TensorShape InputTensorShape => new(new[] { Shapes.Dim.Batch }.Concat(InputShape.Select(Shapes.Dim.Of)));
}

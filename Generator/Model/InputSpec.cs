using System.Linq;

namespace TorchBudget.Generator.Model;

/// <summary>One tensor argument of forward: its parameter position, one sample's shape and its element type.</summary>
internal sealed record InputSpec(int Position, EquatableArray<long> Shape, Shapes.ScalarType DType)
{
    /// <summary>The batch of it every pass runs on: [B, ...Shape].</summary>
    public Shapes.TensorShape TensorShape => new(new[] { Shapes.Dim.Batch }.Concat(Shape.Select(Shapes.Dim.Of)));
}

using System.Linq;

namespace TorchBudget.Generator.Model;

/// <summary>One tensor argument of forward: its parameter position, one sample's shape and its element type.</summary>
internal sealed record InputSpec(int Position, EquatableArray<long> Shape, Shapes.ScalarType DType)
{
    /// <summary>False for a tensor of a fixed shape (a constructor's dummy input), which gets no batch dimension.</summary>
    public bool Batched { get; init; } = true;

    /// <summary>What the pass runs on: [B, ...Shape], or Shape itself where not <see cref="Batched"/>.</summary>
    public Shapes.TensorShape TensorShape =>
        new((Batched ? new[] { Shapes.Dim.Batch } : System.Array.Empty<Shapes.Dim>()).Concat(Shape.Select(Shapes.Dim.Of)));
}

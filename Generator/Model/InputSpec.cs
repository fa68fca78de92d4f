using System.Linq;
using TorchBudget.Generator.Parametric;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Model;

/// <summary>One tensor argument of forward: its parameter position, one sample's shape and its element type.</summary>
internal sealed record InputSpec(int Position, EquatableArray<long> Shape, ScalarType DType)
{
    /// <summary>False for a tensor of a fixed shape (a constructor's dummy input), which gets no batch dimension.</summary>
    public bool Batched { get; init; } = true;

    /// <summary>Which sample dimensions are the sequence (<c>SequenceDimensions</c>): they all have the profiled length.</summary>
    public EquatableArray<int> SequenceDimensions { get; init; } = EquatableArray<int>.Empty;

    /// <summary>What the pass runs on: [B, ...Shape], or Shape itself where not <see cref="Batched"/>.</summary>
    public TensorShape TensorShape => ShapeWith(null, 0);

    /// <summary>
    /// The same shape with the sequence dimensions <paramref name="length"/> long, as <paramref name="sequence"/> (T as
    /// a polynomial), so that every size forward derives from them follows T; plain where null.
    /// </summary>
    public TensorShape ShapeWith(SizeForm? sequence, long length) =>
        new((Batched ? new[] { Dim.Batch } : System.Array.Empty<Dim>())
            .Concat(Shape.Select((size, i) => sequence is not null && SequenceDimensions.Contains(i) ? new Dim(length, 0, sequence) : Dim.Of(size))));
}

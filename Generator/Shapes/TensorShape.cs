using System;
using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Shapes;

/// <summary>A tensor's shape with a symbolic batch size, printed like torchinfo's column: [B, 6, 28, 28].</summary>
internal sealed record TensorShape(EquatableArray<Dim> Dims)
{
    public TensorShape(IEnumerable<Dim> dims) : this(dims.ToEquatableArray()) { }

    public int Rank => Dims.Count;

    public Dim this[int index] => Dims[index];

    public Dim ElementCount => Dims.Aggregate(Dim.Of(1), (total, dim) => total.Times(dim));

    /// <summary>A dimension index as PyTorch reads it (negative counts from the end); null when out of range.</summary>
    public int? Axis(long dim) => dim >= -Rank && dim < Rank ? (int)(dim < 0 ? dim + Rank : dim) : null;

    public TensorShape With(int axis, Dim dim) => new(Dims.Select((d, i) => i == axis ? dim : d));

    public override string ToString() => "[" + string.Join(", ", Dims.Select(d => d.ToString())) + "]";
}

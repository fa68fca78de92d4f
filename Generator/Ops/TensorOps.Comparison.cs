using System.Collections.Generic;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Ops;

/// <summary>
/// Comparisons (<c>x == 0</c>, <c>x.lt(y)</c>): a Bool tensor of the broadcast shape in TensorIterator's layout, which
/// autograd does not record (measured: <c>mask[.., .., ..5, ..5] == 0</c> allocates its 25 bytes; the wrapped number
/// lives only while it runs).
/// </summary>
internal static partial class TensorOps
{
    private static IEnumerable<TensorOpRule> Comparisons()
    {
        yield return Comparison(TensorOp.Equal, "eq", BinaryOperatorKind.Equals);
        yield return Comparison(TensorOp.NotEqual, "ne", BinaryOperatorKind.NotEquals);
        yield return Comparison(TensorOp.Less, "lt", BinaryOperatorKind.LessThan);
        yield return Comparison(TensorOp.LessOrEqual, "le", BinaryOperatorKind.LessThanOrEqual);
        yield return Comparison(TensorOp.Greater, "gt", BinaryOperatorKind.GreaterThan);
        yield return Comparison(TensorOp.GreaterOrEqual, "ge", BinaryOperatorKind.GreaterThanOrEqual);
    }

    public static bool IsComparison(TensorOp id) =>
        id is TensorOp.Equal or TensorOp.NotEqual or TensorOp.Less or TensorOp.LessOrEqual or TensorOp.Greater or TensorOp.GreaterOrEqual;

    private static TensorOpRule Comparison(TensorOp id, string name, BinaryOperatorKind kind) =>
        new(id, "a Bool tensor of the broadcast shape; no gradient", c => Compare(c.Forward, name, c.Self, c.Arg(0), c.At))
        {
            Names = [name], Operator = kind,
        };

    /// <summary><paramref name="self"/> compared with <paramref name="other"/>, a tensor or a number (either side).</summary>
    internal static Value Compare(ForwardSemantics f, string name, ActivationTensor self, Value other, LocationInfo? at)
    {
        // No inputs: a comparison's result needs no gradient, and autograd records nothing.
        var op = f.NewOp(name, System.Array.Empty<Value>(), at);
        switch (other)
        {
            case UnknownValue unknown:
                return unknown;
            case IntValue or RealValue or BoolValue:
                return Recorded(op, op.PointwiseOutput(self.Shape, new[] { self }, ScalarType.Bool, withNumber: true));
            case ActivationTensor tensor:
                if (tensor.ElementType != self.ElementType)
                    op.MemoryNotModeled($"{name} of {self.ElementType} and {tensor.ElementType} converts one side first, which was not measured");
                return Recorded(op, op.PointwiseOutput(Broadcast(self.Shape, tensor.Shape, op), new[] { self, tensor }, ScalarType.Bool));
            default:
                return f.Record(new UnknownValue($"{name} with {other.Describe()}", at));
        }
    }
}

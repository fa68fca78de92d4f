using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Ops;

/// <summary>add, sub, mul, div of a tensor and a tensor (broadcast) or a number; the operators run the same rules.</summary>
internal static partial class TensorOps
{
    private static IEnumerable<TensorOpRule> ArithmeticOps()
    {
        yield return new(TensorOp.Add, "hands the incoming gradient on", c => Arithmetic(c.Forward, TensorOp.Add, c.Self, c.Arg(0), c.At))
        {
            Names = ["add"], Operator = BinaryOperatorKind.Add, StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Sub, "hands on the gradient and its negation", c => Arithmetic(c.Forward, TensorOp.Sub, c.Self, c.Arg(0), c.At))
        {
            Names = ["sub"], Operator = BinaryOperatorKind.Subtract, Backward = KeepsLayout, StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Mul, "keeps each operand the other's gradient needs", c =>
            Arithmetic(c.Forward, TensorOp.Mul, c.Self, c.Arg(0), c.At))
        {
            Names = ["mul"], Operator = BinaryOperatorKind.Multiply, Backward = KeepsLayout, StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Div, "keeps the divisor, and the dividend for the divisor's gradient", c =>
            Arithmetic(c.Forward, TensorOp.Div, c.Self, c.Arg(0), c.At))
        {
            Names = ["div"], Operator = BinaryOperatorKind.Divide, Backward = KeepsLayout, StridedGradientCopies = 0,
        };
    }

    /// <summary><paramref name="self"/> (op) <paramref name="other"/>, a tensor or a number.</summary>
    internal static Value Arithmetic(ForwardSemantics f, TensorOp id, ActivationTensor self, Value other, LocationInfo? at)
    {
        var name = Get(id).Name;
        var op = f.NewOp(name, other is ActivationTensor ? new Value[] { self, other } : new Value[] { self }, at);
        if (other is UnknownValue unknown) return unknown;
        if (other is not ActivationTensor tensor)
        {
            op.Backward(name is "add" or "sub" ? BackwardRules.PassThrough(self) : BackwardRules.Pointwise(self, 1, scalarWith: 0));
            // grad * (or /) the number, a 0-d tensor: the gradient's layout alone decides the result's (measured: over sum's
            // expanded gradient through a transpose, taking the forward tensor's order left the peak 20 % low).
            if (name is "mul" or "div") op.GradientMultipliedBy(new TensorShape(System.Array.Empty<Dim>()), null);
            var promoted = WithNumber(id, self.ElementType, other);
            // The integral tensor converted for a floating result: where that costs a temporary was not measured.
            if (promoted != self.ElementType)
                op.MemoryNotModeled($"{self.ElementType} {name} a number gives {promoted}, whose conversion was not measured");
            return Recorded(op, op.PointwiseOutput(self.Shape, new[] { self }, promoted, withNumber: true));
        }
        var shape = Broadcast(self.Shape, tensor.Shape, op);
        var type = Promoted(self.ElementType, tensor.ElementType);
        if (type is null) op.MemoryNotModeled($"{self.ElementType} {name} {tensor.ElementType} was not measured");
        // An operand of another type is first converted into a temporary of the result's type, freed once the result is
        // made (measured: add, sub, mul and div; Bool, Int32, Int64 and Float64 against Float32, on either side).
        var converted = new[] { self, tensor }.Where(t => type is { } to && t.ElementType != to)
            .Select(t => op.Internal(t.Shape, type, needsGrad: false)).ToList();
        var result = op.PointwiseOutput(shape, new[] { self, tensor }, type);
        foreach (var temporary in converted) op.Release(temporary);
        if (converted.Count > 0 && name is "mul" or "div") op.ConvertsOperandInBackward();
        // Autograd converts such an operand's gradient back to its own type, and div's divisor gradient converts the
        // dividend: neither was measured.
        if (new[] { self, tensor }.Any(t => t.RequiresGrad && t.ElementType != result.ElementType)
            || (name == "div" && tensor.RequiresGrad && self.ElementType != result.ElementType))
            op.PeakNotModeled($"Peak is unknown: {name} of {self.ElementType} and {tensor.ElementType} hands a gradient to the "
                + "operand of the other type, and that conversion was not measured.");
        // mul keeps each operand the other's gradient needs; div keeps the divisor, and the dividend for the divisor's.
        if (name == "mul" && tensor.RequiresGrad) op.Save(self);
        if (name == "mul" && self.RequiresGrad) op.Save(tensor);
        if (name == "div" && (self.RequiresGrad || tensor.RequiresGrad)) op.Save(tensor);
        if (name == "div" && tensor.RequiresGrad) op.Save(self);
        op.Backward(BackwardRules.Binary(name, self, tensor, result));
        return Recorded(op, result);
    }

    /// <summary>
    /// The result type of a tensor-tensor op, as torch.result_type gives it for the pairs measured: one type, a floating
    /// type with an integral or Bool one, Float32 with Float64; null for any other pair.
    /// </summary>
    /// <summary>
    /// The type of a tensor (op) a number: true division, or a real number, gives an integral or Bool tensor the default
    /// Float32 (measured: Int64 · 2.5 and Int64 / 2 are Float32); a Bool tensor with an integer gives Int64; otherwise the
    /// tensor's own type (a number does not widen it).
    /// </summary>
    internal static ScalarType WithNumber(TensorOp id, ScalarType tensor, Value number) =>
        tensor.IsFloating() ? tensor
        : id == TensorOp.Div || number is RealValue ? ScalarType.Float32
        : tensor == ScalarType.Bool && id is not TensorOp.Div ? ScalarType.Int64
        : tensor;

    internal static ScalarType? Promoted(ScalarType left, ScalarType right)
    {
        if (left == right) return left;
        if (left.IsFloating() != right.IsFloating()) return left.IsFloating() ? left : right;
        return (left, right) is (ScalarType.Float32, ScalarType.Float64) or (ScalarType.Float64, ScalarType.Float32) ? ScalarType.Float64 : null;
    }

    /// <summary>Broadcasting's result shape; a shape error where the sizes do not broadcast.</summary>
    internal static TensorShape Broadcast(TensorShape left, TensorShape right, LayerCall op)
    {
        var rank = Math.Max(left.Rank, right.Rank);
        var dims = new Dim[rank];
        for (var i = 0; i < rank; i++)
        {
            var l = i < rank - left.Rank ? Dim.Of(1) : left[i - (rank - left.Rank)];
            var r = i < rank - right.Rank ? Dim.Of(1) : right[i - (rank - right.Rank)];
            dims[i] = l == r || r == Dim.Of(1) ? l : l == Dim.Of(1) ? r : throw op.Mismatch($"shapes {left} and {right} do not broadcast");
        }
        return new TensorShape(dims);
    }
}

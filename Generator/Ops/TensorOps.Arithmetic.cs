using System;
using System.Collections.Generic;
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
            return Recorded(op, op.PointwiseOutput(self.Shape, new[] { self }));
        }
        var shape = Broadcast(self.Shape, tensor.Shape, op);
        var result = op.PointwiseOutput(shape, new[] { self, tensor });
        // mul keeps each operand the other's gradient needs; div keeps the divisor, and the dividend for the divisor's.
        if (name == "mul" && tensor.RequiresGrad) op.Save(self);
        if (name == "mul" && self.RequiresGrad) op.Save(tensor);
        if (name == "div" && (self.RequiresGrad || tensor.RequiresGrad)) op.Save(tensor);
        if (name == "div" && tensor.RequiresGrad) op.Save(self);
        op.Backward(BackwardRules.Binary(name, self, tensor, result));
        return Recorded(op, result);
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

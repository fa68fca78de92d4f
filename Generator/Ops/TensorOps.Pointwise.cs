using System;
using System.Collections.Generic;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Ops;

/// <summary>
/// Elementwise ops on one tensor: a result of its shape (in its layout, TensorIterator's), what autograd keeps and what
/// backward allocates (derivatives.yaml, measured), and softmax through its layer's rule.
/// </summary>
internal static partial class TensorOps
{
    private const BackwardTrait KeepsLayout = BackwardTrait.KeepsGradientLayout;

    private static IEnumerable<TensorOpRule> Pointwise()
    {
        // Ops whose backward reads their result: autograd keeps the result.
        yield return new(TensorOp.Relu, "keeps its result; backward threshold_backward(grad, result)", c => KeepingResult(c, 1))
        {
            Names = ["relu"], StridedGradientCopies = 0,
            Backward = KeepsLayout | BackwardTrait.ReadsForwardTensorFirst | BackwardTrait.ReadsResult,
        };
        yield return new(TensorOp.Sigmoid, "keeps its result", c => KeepingResult(c, 1))
        {
            Names = ["sigmoid"], Backward = KeepsLayout, StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Tanh, "keeps its result", c => KeepingResult(c, 1))
        {
            Names = ["tanh"], Backward = KeepsLayout, StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Exp, "keeps its result", c => KeepingResult(c, 1))
        {
            Names = ["exp"], Backward = KeepsLayout, StridedGradientCopies = 0,
        };
        // sqrt's backward: grad / (2 * result), the doubled result a tensor of its own.
        yield return new(TensorOp.Sqrt, "keeps its result; backward makes 2 * result as well", c => KeepingResult(c, 2, scalarWith: 0))
        {
            Names = ["sqrt"], Backward = KeepsLayout, StridedGradientCopies = 0,
        };
        // rsqrt's backward: -0.5 * grad * result.pow(3), three tensors, the number wrapped for the second (measured).
        yield return new(TensorOp.Rsqrt, "keeps its result; backward makes 3 tensors of its size (result³, the scaled gradient, the product)",
            c => KeepingResult(c, 3, scalarWith: 1))
        {
            Names = ["rsqrt"], Backward = KeepsLayout, StridedGradientCopies = 0,
        };
        // In place: the result is the input's storage. Backward with a strided gradient was not measured.
        yield return new(TensorOp.ReluInPlace, "in place; keeps its result", c => KeepingResult(c, 1)) { Names = ["relu_"] };
        yield return new(TensorOp.SigmoidInPlace, "in place; keeps its result", c => KeepingResult(c, 1)) { Names = ["sigmoid_"] };
        yield return new(TensorOp.TanhInPlace, "in place; keeps its result", c => KeepingResult(c, 1)) { Names = ["tanh_"] };

        // Ops whose backward reads their input: autograd keeps the input.
        yield return new(TensorOp.Log, "keeps its input", c => KeepingInput(c, BackwardRules.Pointwise(c.Self, 1)))
        {
            Names = ["log"], Backward = KeepsLayout, StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Pow, "keeps its input; backward makes 3 tensors of its size (self.pow(1), the scaled copy, the product)", c =>
            KeepingInput(c, BackwardRules.Pointwise(c.Self, 3, scalarWith: 1)))
        {
            Names = ["pow"], Backward = KeepsLayout, StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Square, "keeps its input; backward as pow's", c =>
            KeepingInput(c, BackwardRules.Pointwise(c.Self, 3, scalarWith: 1)))
        {
            Names = ["square"], Backward = KeepsLayout, StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Abs, "keeps its input; backward makes 2 tensors of its size (sgn, the product)", c =>
            KeepingInput(c, BackwardRules.Pointwise(c.Self, 2)))
        {
            Names = ["abs"], Backward = KeepsLayout, StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Neg, "keeps its input; backward grad.neg()", c => KeepingInput(c, BackwardRules.Pointwise(c.Self, 1)))
        {
            Names = ["neg"], UnaryOperator = Microsoft.CodeAnalysis.Operations.UnaryOperatorKind.Minus,
            Backward = KeepsLayout | BackwardTrait.ReadsGradientOnly, StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Clamp, "keeps its input; backward where(mask, grad, 0): a Bool mask per bound, a 0-d zero and the "
            + "result", Clamp)
        {
            Names = ["clamp", "clamp_min", "clamp_max"],
            // where(mask, grad, 0) is laid out from the mask first, which is laid out as the input.
            Backward = KeepsLayout | BackwardTrait.ReadsForwardTensorFirst,
        };

        yield return new(TensorOp.MaskedFill, "a contiguous result of the input and mask broadcast; keeps the mask; backward "
            + "grad.masked_fill(mask, 0), one tensor of the result's size", MaskedFill)
        {
            Names = ["masked_fill"], StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Where, "a result at the broadcast shape of the condition and both values; keeps the condition; "
            + "backward where(condition, grad, 0) per value, summed down where it broadcast", Where)
        {
            Names = ["where"], StridedGradientCopies = 0,
            // where(condition, grad, 0) is laid out from the condition first, as the result was (Fuzz171_02347).
            Backward = KeepsLayout | BackwardTrait.ReadsForwardTensorFirst | BackwardTrait.ReadsResult,
        };
        yield return new(TensorOp.Tril, "a new contiguous tensor (empty_like, the legacy contiguous format); keeps nothing; "
            + "backward grad.tril(k), one tensor", TriangularPart)
        {
            Names = ["tril"],
        };
        yield return new(TensorOp.Triu, "as tril, the upper part", TriangularPart)
        {
            Names = ["triu"],
        };
        yield return new(TensorOp.Softmax, "as the Softmax layer", c => ThroughLayer(c, "Softmax", ("dim", c.Arg(0)))) { Names = ["softmax"] };
        yield return new(TensorOp.LogSoftmax, "as the LogSoftmax layer", c => ThroughLayer(c, "LogSoftmax", ("dim", c.Arg(0))))
        {
            Names = ["log_softmax"],
        };
        yield return new(TensorOp.Silu, "as the SiLU layer", c => ThroughLayer(c, "SiLU")) { Names = ["silu"] };
    }

    /// <summary>
    /// masked_fill(mask, value): ATen clones the input, expanded to the mask's broadcast shape, contiguous, and fills it
    /// (measured: a transposed input gives a contiguous result). Autograd keeps the mask.
    /// </summary>
    private static Value? MaskedFill(TensorOpCall c)
    {
        if (c.Arg(0) is UnknownValue unknown) return c.Forward.Record(unknown);
        if (c.Arg(0) is not ActivationTensor mask || c.Arg(1) is not (IntValue or RealValue or BoolValue)) return null;
        if (mask.ElementType != ScalarType.Bool) throw c.Op.Mismatch($"masked_fill needs a Bool mask, got {mask.ElementType}");
        var shape = Broadcast(c.Self.Shape, mask.Shape, c.Op);
        var result = c.Op.Output(shape);
        // The clone is a contiguous copy: of a transposed matrix, through a block buffer (seed 136).
        if (shape == c.Self.Shape) c.Op.TransposeCopyBuffer(c.Self);
        if (c.Op.RecordsGraph) c.Op.Save(mask);
        // Backward fills the gradient at the result's size; an input the mask broadcast is then summed down (not measured).
        if (c.Self.RequiresGrad && shape != c.Self.Shape)
            c.Op.PeakNotModeled("Peak is unknown: masked_fill's mask broadcasts its input, whose gradient is then summed down; not measured.");
        c.Op.Backward(BackwardRules.Pointwise(c.Self, 1));
        return c.Recorded(result);
    }

    /// <summary>
    /// x.where(condition, y) and torch.where(condition, x, y) (TorchSharp runs the second as the first): ATen's where over
    /// the three broadcast together, laid out by TensorIterator from the condition first; autograd keeps the condition.
    /// Values of two types (promotion) are not modeled.
    /// </summary>
    private static Value? Where(TensorOpCall c)
    {
        if (c.Arg(0) is UnknownValue unknown) return c.Forward.Record(unknown);
        if (c.Arg(0) is not ActivationTensor first || c.Arg(1) is not ActivationTensor other) return null;
        var selfIsCondition = c.Self.ElementType == ScalarType.Bool && first.ElementType != ScalarType.Bool;
        var argIsCondition = first.ElementType == ScalarType.Bool && c.Self.ElementType != ScalarType.Bool;
        if (selfIsCondition == argIsCondition) return null;
        var (condition, x) = selfIsCondition ? (c.Self, first) : (first, c.Self);
        if (x.ElementType != other.ElementType) return null;
        // The op's inputs are both values (the condition needs no gradient), whichever form called it.
        var op = c.Forward.NewOp("where", new Value[] { x, other, condition }, c.At);
        var shape = Broadcast(Broadcast(condition.Shape, x.Shape, op), other.Shape, op);
        var result = op.PointwiseOutput(shape, new[] { condition, x, other }, x.ElementType);
        if (op.RecordsGraph) op.Save(condition);
        // Backward lays each gradient out from the condition first, then the incoming gradient: followed here as the result's
        // layout (the condition decided it too). Where the condition is broadcast over a strided result, or laid out unlike
        // it, the incoming gradient decides some of it, which was not followed.
        var broadcastOverStrided = condition.Shape != shape && result.Strides is not null;
        var laidOutOtherwise = condition.Shape == shape && !TensorLayout.SameStrides(
            condition.Strides ?? TensorLayout.ContiguousStrides(shape), result.Strides ?? TensorLayout.ContiguousStrides(shape), op.Decide);
        if ((x.RequiresGrad || other.RequiresGrad) && (broadcastOverStrided || laidOutOtherwise))
            op.PeakNotModeled("Peak is unknown: where's condition is broadcast over a strided result or laid out otherwise, and the "
                + "layout of the gradients its backward makes was not followed.");
        op.Backward(BackwardRules.Where(x, other, result));
        return Recorded(op, result);
    }

    /// <summary>
    /// tril(k) and triu(k) in forward (a causal mask made per call, or a masked score matrix): ATen's out-of-place kernel
    /// writes a contiguous result and keeps nothing; a strided input is copied first (checkTrilTriuBatchContiguous), which
    /// was not measured.
    /// </summary>
    private static Value? TriangularPart(TensorOpCall c)
    {
        if (c.Arg(0) is UnknownValue unknown) return c.Forward.Record(unknown);
        if (c.Arg(0) is not (IntValue or NullValue)) return null;
        if (c.Self.Shape.Rank < 2) throw c.Op.Mismatch($"{c.Name} needs a tensor of 2 or more dimensions, got {c.Self.Shape}");
        if (!c.Self.IsContiguous) c.Op.MemoryNotModeled($"{c.Name} of a strided tensor copies it first, which was not measured");
        var result = c.Op.Output(c.Self.Shape);
        c.Op.Backward(BackwardRules.Pointwise(c.Self, 1));
        return c.Recorded(result);
    }

    private static Value KeepingResult(TensorOpCall c, int backwardTensors, int? scalarWith = null)
    {
        var inPlace = c.Name.EndsWith("_", StringComparison.Ordinal);
        var result = inPlace ? c.Self : c.Op.PointwiseOutput(c.Self.Shape, new[] { c.Self });
        c.Op.Save(result);
        c.Op.Backward(BackwardRules.Pointwise(c.Self, backwardTensors, scalarWith));
        return c.Recorded(result);
    }

    private static Value KeepingInput(TensorOpCall c, BackwardPlan backward)
    {
        c.Op.Save(c.Self);
        c.Op.Backward(backward);
        return c.Recorded(c.Op.PointwiseOutput(c.Self.Shape, new[] { c.Self }));
    }

    /// <summary>
    /// clamp(min, max), clamp_min, clamp_max by numbers: a result of the input's size; autograd keeps the input. Backward is
    /// clamp_backward: where((self &gt;= min).logical_and_(self &lt;= max), grad, zero), so one Bool mask per bound (temporaries
    /// of that one expression, alive until where returns: measured, freeing the second early left a peak 3.5 % low), a 0-d
    /// zero, then the result. Bounds given as tensors are not followed.
    /// </summary>
    private static Value? Clamp(TensorOpCall c)
    {
        var bounds = 0;
        foreach (var argument in c.Args)
        {
            if (argument.Value is NullValue) continue;
            if (argument.Value is not (IntValue or RealValue)) return null;
            bounds++;
        }
        if (bounds == 0) return null;
        var self = c.Self;
        var plan = new BackwardPlanBuilder();
        if (self.RequiresGrad)
        {
            var mask = BackwardPlanBuilder.BytesOf(self.Shape, ScalarType.Bool);
            var size = BackwardPlanBuilder.BytesOf(self);
            // Both masks are temporaries of one C++ expression: they live until where returns.
            for (var i = 0; i < bounds; i++) plan.Allocate(mask);
            plan.Allocate(BackwardPlanBuilder.BytesOf(new TensorShape(Array.Empty<Dim>()), self.ElementType));
            plan.Allocate(size);
            plan.Hand(self, size);
        }
        return KeepingInput(c, plan.Build());
    }

    /// <summary>softmax(dim) and log_softmax(dim) run their layer's rule (the same kernels, the same saved result).</summary>
    private static Value ThroughLayer(TensorOpCall c, string layer, params (string Name, Value Value)[] args) =>
        c.Forward.RunRule(LayerRules.Find(layer)!.Forward!, c.Forward.NewLayerCall(layer, c.Self, c.At, args), c.At);
}

using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Ops;

/// <summary>
/// torch.matmul as ATen 2.10 runs it (LinearAlgebra.cpp, _matmul_impl), a composite op: 2-d operands go to mm; a 3-d or
/// larger operand times a matrix is folded to 2-d and goes to mm (should_fold); otherwise both operands are expanded to
/// the broadcast batch and reshaped to 3-d for bmm. Each reshape copies where the strides allow no view (a transposed
/// head split, an expanded operand), and mm/bmm keep the operands they were handed, copies included. The handles ATen
/// makes inside are dropped when it returns: only the result reaches TorchSharp.
/// </summary>
internal static partial class TensorOps
{
    private static IEnumerable<TensorOpRule> Products()
    {
        yield return new(TensorOp.Matmul, "mm, or a fold into mm, or expands and reshapes into bmm (copies where no view exists)", c =>
            Matmul(c.Forward, c.Self, c.Arg(0), c.Op, c.At))
        {
            Names = ["matmul"],
        };
        yield return new(TensorOp.Mm, "keeps each operand the other's gradient needs", c =>
            PlainProduct(c.Forward, "mm", c.Self, c.Arg(0), c.Op, c.At))
        {
            Names = ["mm"], StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Bmm, "as mm, per batch", c => PlainProduct(c.Forward, "bmm", c.Self, c.Arg(0), c.Op, c.At))
        {
            Names = ["bmm"], StridedGradientCopies = 0,
        };
        // ATen's outer is self.reshape(n, 1) * vec2 (a view of a 1-d tensor, then mul's broadcast).
        yield return new(TensorOp.Outer, "[n] and [m] to [n, m]: a view of the first as [n, 1] times the second (mul)", c =>
        {
            if (c.Arg(0) is not ActivationTensor other)
                return c.Arg(0) is UnknownValue u ? u : throw c.Op.Mismatch($"outer with {c.Arg(0).Describe()}");
            foreach (var (tensor, name) in new[] { (c.Self, "self"), (other, "vec2") })
            {
                if (tensor.Shape.Rank != 1) throw c.Op.Mismatch($"expected a 1-d argument {name}, but got {tensor.Shape}");
            }
            return Arithmetic(c.Forward, TensorOp.Mul, Unsqueeze(c.Forward, c.Self, 1), other, c.At);
        })
        {
            Names = ["outer"],
        };
    }

    private static Value Matmul(ForwardSemantics f, ActivationTensor self, Value other, LayerCall op, LocationInfo? at)
    {
        if (other is not ActivationTensor right) return other is UnknownValue u ? u : throw op.Mismatch($"matmul with {other.Describe()}");
        if (self.Shape.Rank < 2 || right.Shape.Rank < 2) throw new UnknownArgumentException(new UnknownValue("matmul of 1-d tensors", null));
        var inner = self.Shape[self.Shape.Rank - 1];
        if (inner != right.Shape[right.Shape.Rank - 2]) throw op.Mismatch($"cannot multiply {self.Shape} by {right.Shape}");
        if (self.Shape.Rank == 2 && right.Shape.Rank == 2) return MatrixProduct(f, "mm", self, right, at, inner);
        var inside = new List<ActivationTensor>();
        var result = ShouldFold(f, self, right)
            ? FoldedProduct(f, self, right, at, inner, inside)
            : BatchedProduct(f, self, right, op, at, inner, inside);
        foreach (var handle in inside.Where(h => !ReferenceEquals(h, result) && h != self && h != right)) f.Trace.Dispose(handle);
        return result;
    }

    /// <summary>
    /// mm and bmm called by name: the kernels themselves, on 2-d (3-d, equal batch) operands as they are, with none of
    /// matmul's expands and reshapes (measured: bmm's operand gets a gradient of its own, matmul's a view).
    /// </summary>
    private static Value PlainProduct(ForwardSemantics f, string kind, ActivationTensor self, Value other, LayerCall op, LocationInfo? at)
    {
        if (other is not ActivationTensor right) return other is UnknownValue u ? u : throw op.Mismatch($"{kind} with {other.Describe()}");
        var rank = kind == "mm" ? 2 : 3;
        if (self.Shape.Rank != rank || right.Shape.Rank != rank)
            throw op.Mismatch($"{kind} needs {rank}-d operands, got {self.Shape} and {right.Shape}");
        var inner = self.Shape[rank - 1];
        if (inner != right.Shape[rank - 2] || (rank == 3 && self.Shape[0] != right.Shape[0]))
            throw op.Mismatch($"cannot {kind} {self.Shape} by {right.Shape}");
        return MatrixProduct(f, kind, self, right, at, inner);
    }

    /// <summary>
    /// should_fold: fold when the larger operand is 3-d or more and the other a matrix, and the fold is free or the matrix needs a gradient.
    /// </summary>
    private static bool ShouldFold(ForwardSemantics f, ActivationTensor left, ActivationTensor right)
    {
        var leftLarger = left.Shape.Rank >= right.Shape.Rank;
        var t1 = leftLarger ? left : SwapLastTwo(f, right, view: false);
        var otherRank = leftLarger ? right.Shape.Rank : left.Shape.Rank;
        if (!(t1.Shape.Rank >= 3 && otherRank <= 2)) return false;
        if ((leftLarger ? right : left).RequiresGradFlag) return true;
        if (left.Shape.Rank == 2) return false;
        var strides = TensorLayout.StridesOf(t1);
        for (var i = 0; i < t1.Shape.Rank - 2; i++)
        {
            if (!f.Trace.Decide.Equal(strides[i], strides[i + 1].Times(t1.Shape[i + 1]), "matmul's fold")) return false;
        }
        return true;
    }

    private static ActivationTensor FoldedProduct(ForwardSemantics f, ActivationTensor left, ActivationTensor right, LocationInfo? at, Dim inner,
        List<ActivationTensor> inside)
    {
        var transpose = right.Shape.Rank > left.Shape.Rank;
        var t1 = transpose ? Inside(SwapLastTwo(f, right, view: true), inside) : left;
        var t2 = !transpose ? right : Inside(SwapLastTwo(f, left, view: true), inside);
        var rows = t1.Shape.Dims.Take(t1.Shape.Rank - 1).Aggregate(Dim.Of(1), (a, b) => a.Times(b));
        var folded = Inside(ReshapeOrCopy(f, t1, new TensorShape(new[] { rows, t1.Shape[t1.Shape.Rank - 1] }), at), inside);
        var product = Inside((ActivationTensor)MatrixProduct(f, "mm", folded, t2, at, inner), inside);
        var result = f.Trace.View(product, new TensorShape(t1.Shape.Dims.Take(t1.Shape.Rank - 1).Append(t2.Shape[1])), null);
        if (!transpose) return result;
        // The product was computed transposed: its transpose back is made contiguous (a copy where it is not already).
        Inside(result, inside);
        var back = SwapLastTwo(f, result, view: true);
        return back.IsContiguous ? back : ContiguousCopy(f, Inside(back, inside), back.Shape, at);
    }

    private static ActivationTensor Inside(ActivationTensor handle, List<ActivationTensor> inside)
    {
        inside.Add(handle);
        return handle;
    }

    private static ActivationTensor BatchedProduct(ForwardSemantics f, ActivationTensor left, ActivationTensor right, LayerCall op,
        LocationInfo? at, Dim inner, List<ActivationTensor> inside)
    {
        var batchLeft = new TensorShape(left.Shape.Dims.Take(left.Shape.Rank - 2));
        var batchRight = new TensorShape(right.Shape.Dims.Take(right.Shape.Rank - 2));
        if (left.Shape.Rank == 3 && right.Shape.Rank == 3 && batchLeft[0] != batchRight[0])
        {
            if (f.Trace.Decide.IsOne(batchLeft[0], "matmul's batch") && left.RequiresGradFlag)
            {
                return (ActivationTensor)Matmul(f, Inside(Squeeze(f, left, new IntValue(0), op), inside), right, op, at);
            }
            if (f.Trace.Decide.IsOne(batchRight[0], "matmul's batch") && right.RequiresGradFlag)
            {
                return (ActivationTensor)Matmul(f, left, Inside(Squeeze(f, right, new IntValue(0), op), inside), op, at);
            }
        }
        var batch = Broadcast(batchLeft, batchRight, op);
        var count = batch.ElementCount;
        Dim n = left.Shape[left.Shape.Rank - 2], p = right.Shape[right.Shape.Rank - 1];
        var leftExpanded = Inside(Expand(f, left, batch.Dims.Append(n).Append(inner).ToList()), inside);
        var rightExpanded = Inside(Expand(f, right, batch.Dims.Append(inner).Append(p).ToList()), inside);
        var leftBatched = Inside(ReshapeOrCopy(f, leftExpanded, new TensorShape(new[] { count, n, inner }), at), inside);
        var rightBatched = Inside(ReshapeOrCopy(f, rightExpanded, new TensorShape(new[] { count, inner, p }), at), inside);
        var product = Inside((ActivationTensor)MatrixProduct(f, "bmm", leftBatched, rightBatched, at, inner), inside);
        return f.Trace.View(product, new TensorShape(batch.Dims.Append(n).Append(p)), null);
    }

    /// <summary>mm or bmm: a contiguous result; autograd keeps each operand the other one's gradient needs.</summary>
    private static Value MatrixProduct(ForwardSemantics f, string kind, ActivationTensor left, ActivationTensor right, LocationInfo? at, Dim inner)
    {
        var call = f.NewOp(kind, new Value[] { left, right }, at);
        var rank = left.Shape.Rank;
        var batches = left.Shape.Dims.Take(rank - 2).Aggregate(Dim.Of(1), (a, b) => a.Times(b));
        var transient = call.MatrixProductOf(left.ElementType, batches.Times(left.Shape[rank - 2]), inner, right.Shape[rank - 1],
            batched: rank > 2);
        var result = call.Output(new TensorShape(left.Shape.Dims.Take(rank - 1).Append(right.Shape[rank - 1])));
        call.GemmTransient(transient);
        // Counted at the profiled sizes only: a symbolic run (a sequence length) never reports them, so reading them pins nothing.
        if (inner.IsConstant()) call.MultiplyAccumulates(result.Shape, () => inner.PeekCoefficient);
        else f.Trace.MultiplyAccumulatesUnknown ??= $"a matmul sums over a dimension that grows with the batch ({left.Shape} by {right.Shape})";
        // An operand BLAS cannot take as it is (no unit stride) is copied inside the kernel, matrix by matrix (measured for
        // bmm at batch 1); what that costs in general was not measured.
        if (new[] { left, right }.FirstOrDefault(o => !IsBlasReady(f, o)) is { } copied)
        {
            f.Trace.UnmodeledPeak.Add($"Peak is unknown: {kind} gets an operand ({copied.Shape}) whose matrices have no unit stride; "
                + $"the kernel copies them for BLAS, which was not measured.");
        }
        if (right.RequiresGrad) call.Save(left);
        if (left.RequiresGrad) call.Save(right);
        call.Backward(BackwardRules.MatrixProduct(left, right));
        return Recorded(call, result);
    }

    private static bool IsBlasReady(ForwardSemantics f, ActivationTensor operand)
    {
        // ATen's strides, size-1 dimensions' included (they take part in BLAS's check at batch 1).
        if (TensorLayout.NonContiguousStridesOf(operand) is not { } strides) return true;
        var rank = operand.Shape.Rank;
        var matrix = new TensorShape(new[] { operand.Shape[rank - 2], operand.Shape[rank - 1] });
        return TensorLayout.IsBlasReady(matrix, new[] { strides[rank - 2], strides[rank - 1] }, f.Trace.Decide);
    }

    /// <summary>mT: the last two dimensions swapped; as a view in forward, or only its shape and strides for a decision.</summary>
    private static ActivationTensor SwapLastTwo(ForwardSemantics f, ActivationTensor tensor, bool view)
    {
        var rank = tensor.Shape.Rank;
        var axes = Enumerable.Range(0, rank).Select(i => i == rank - 1 ? rank - 2 : i == rank - 2 ? rank - 1 : i).ToList();
        if (view) return f.Trace.Permute(tensor, axes);
        var shape = new TensorShape(axes.Select(a => tensor.Shape[a]));
        return new ActivationTensor(shape, tensor.ElementType, tensor.Storage, tensor.RequiresGrad,
            TensorLayout.Permuted(TensorLayout.StridesOf(tensor), axes))
        {
            IsTrainableParameter = tensor.IsTrainableParameter, Parameter = tensor.Parameter
        };
    }
}

using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Ops;

/// <summary>Reductions over all or some dimensions (keepdim): a new result; backward expands the gradient back.</summary>
internal static partial class TensorOps
{
    private static IEnumerable<TensorOpRule> Reductions()
    {
        yield return new(TensorOp.Mean, "backward expands the gradient divided by the count", Reduce)
        {
            Names = ["mean"], Backward = BackwardTrait.ExpandsGradientBack, StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Sum, "backward expands the gradient", Reduce) { Names = ["sum"], StridedGradientCopies = 0 };
        yield return new(TensorOp.Cumsum, "a new contiguous tensor of the input's shape; keeps nothing; backward the reversed "
            + "cumsum of the gradient (flip, cumsum, flip: two tensors at once)", Cumsum)
        {
            Names = ["cumsum"],
        };
        yield return new(TensorOp.Var, "the reduced result; keeps its input; backward (2 / dof) · grad · (x − mean)", Variance)
        {
            Names = ["var"],
        };
        yield return new(TensorOp.Std, "as var, and keeps its result; backward divides the gradient by 2 · result first", Variance)
        {
            Names = ["std"],
        };
        yield return new(TensorOp.Amax, "keeps its input and result; backward masks the expanded gradient", Reduce)
        {
            Names = ["amax"], Backward = BackwardTrait.ExpandsGradientBack | BackwardTrait.MasksExpandedGradient, StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Amin, "as amax", Reduce)
        {
            Names = ["amin"], Backward = BackwardTrait.ExpandsGradientBack | BackwardTrait.MasksExpandedGradient, StridedGradientCopies = 0,
        };
    }

    /// <summary>
    /// var(dim, unbiased, keepdim) and std(...) over dims, or over all with var(unbiased): the reduced result; autograd
    /// keeps the input (std: and the result); backward is var_backward's (2 / dof) · grad · (x − x.mean(dim, keepdim))
    /// (std first divides the gradient by 2 · result and zeroes it where the result is 0).
    /// </summary>
    private static Value? Variance(TensorOpCall c)
    {
        var (self, op) = (c.Self, c.Op);
        if (c.Args.Select(a => a.Value).OfType<UnknownValue>().FirstOrDefault() is { } unknown) return c.Forward.Record(unknown);
        // var(unbiased) reduces everything; var(dim or dims, unbiased, keepdim) those dimensions.
        var overAll = c.Arg(0) is BoolValue or NullValue;
        if (!overAll && c.Arg(0) is not (IntValue or ListValue)) return null;
        if (!self.ElementType.IsFloating()) throw op.Mismatch($"{c.Name} needs a floating-point tensor, got {self.ElementType}");
        // Of a strided input, backward's temporaries take other layouts (seed 155: the peak 15 % lower than modeled).
        if (!self.IsContiguous) op.PeakNotModeled($"Peak is unknown: {c.Name} of a strided tensor was not measured.");
        var (_, shape) = Reduced(c, overAll ? NullValue.Instance : c.Arg(0), keepDim: !overAll && c.Arg(2) is BoolValue { Flag: true });
        var result = op.Output(shape);
        if (op.RecordsGraph)
        {
            op.Save(self);
            if (c.Name == "std") op.Save(result);
        }
        op.Backward(BackwardRules.Variance(self, result, standardDeviation: c.Name == "std"));
        return c.Recorded(result);
    }

    /// <summary>
    /// x.cumsum(dim): a new contiguous tensor; autograd keeps nothing. Backward is cumsum_backward: the gradient handed on
    /// where the dimension has one element, else grad.flip(dim).cumsum(dim).flip(dim). A dtype argument (a conversion) is
    /// not modeled.
    /// </summary>
    private static Value? Cumsum(TensorOpCall c)
    {
        if (c.Arg(0) is UnknownValue unknown) return c.Forward.Record(unknown);
        if (c.Arg(0) is not IntValue dim || c.Arg(1) is not NullValue) return null;
        var axis = c.Self.Shape.Axis(dim.Pin()) ?? throw c.Op.Mismatch($"cumsum along dim {dim.Pin()} of {c.Self.Shape}");
        var result = c.Op.Output(c.Self.Shape);
        // Along the batch, batch 1's backward hands the gradient on where larger batches reverse it: not followed.
        if (!c.Self.Shape[axis].IsConstant())
            c.Op.PeakNotModeled("Peak is unknown: cumsum along a batch-sized dimension backs off to the gradient itself at batch 1; not followed.");
        var single = c.Self.Shape[axis].IsConstant() && c.Self.Shape[axis].PinCoefficient() == 1;
        c.Op.Backward(single ? BackwardRules.PassThrough(c.Self) : BackwardRules.ReversedCumsum(c.Self));
        return c.Recorded(result);
    }

    private static Value Reduce(TensorOpCall c)
    {
        var (name, self, op) = (c.Name, c.Self, c.Op);
        var (axes, shape) = Reduced(c, c.Arg(0), keepDim: c.Arg(1) is BoolValue { Flag: true });
        var result = op.Output(shape);
        if (name is "amax" or "amin")
        {
            op.Save(self);
            op.Save(result);
        }
        op.Backward(name switch
        {
            "amax" or "amin" => BackwardRules.Extremum(self, result, axes),
            "mean" => BackwardRules.Mean(self),
            _ => BackwardRules.Sum(self, axes),
        });
        return c.Recorded(result);
    }

    /// <summary>The axes a reduction over <paramref name="dims"/> (one, a list, or null: all) removes, and the result's shape.</summary>
    private static (List<int> Axes, TensorShape Shape) Reduced(TensorOpCall c, Value dims, bool keepDim)
    {
        var (name, self, op) = (c.Name, c.Self, c.Op);
        int Axis(Value dim) => dim is IntValue i
            ? self.Shape.Axis(i.Pin()) ?? throw op.Mismatch($"{name} over dim {i.Pin()} of {self.Shape}")
            : throw op.Mismatch($"{name} over {dim.Describe()}");
        var axes = dims switch
        {
            NullValue => Enumerable.Range(0, self.Shape.Rank).ToList(),
            IntValue single => new List<int> { Axis(single) },
            ListValue many => many.Items.Select(Axis).ToList(),
            _ => throw op.Mismatch($"{name} over {dims.Describe()}"),
        };
        var shape = new TensorShape(self.Shape.Dims.Select((d, i) => axes.Contains(i) ? (keepDim ? Dim.Of(1) : (Dim?)null) : d)
            .Where(d => d is not null).Select(d => d!.Value));
        return (axes, shape);
    }
}

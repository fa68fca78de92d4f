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
        if (c.Args.Any(a => a.Value is UnknownValue)) return c.Forward.Record(c.Args.Select(a => a.Value).OfType<UnknownValue>().First());
        var overAll = c.Arg(0) is BoolValue or NullValue;
        var keepDim = !overAll && c.Arg(2) is BoolValue { Flag: true };
        var axes = overAll ? Enumerable.Range(0, self.Shape.Rank).ToList() : c.Arg(0) switch
        {
            IntValue single => new List<int>
            {
                self.Shape.Axis(single.Pin()) ?? throw op.Mismatch($"{c.Name} over dim {single.Pin()} of {self.Shape}"),
            },
            ListValue many when many.Items.All(d => d is IntValue) => many.Items.Cast<IntValue>()
                .Select(i => self.Shape.Axis(i.Pin()) ?? throw op.Mismatch($"{c.Name} over dim {i.Pin()} of {self.Shape}")).ToList(),
            _ => null,
        };
        if (axes is null) return null;
        if (!self.ElementType.IsFloating()) throw op.Mismatch($"{c.Name} needs a floating-point tensor, got {self.ElementType}");
        var shape = overAll ? new TensorShape(System.Array.Empty<Dim>())
            : new TensorShape(self.Shape.Dims.Select((d, i) => axes.Contains(i) ? (keepDim ? Dim.Of(1) : (Dim?)null) : d)
                .Where(d => d is not null).Select(d => d!.Value));
        var result = op.Output(shape);
        if (op.RecordsGraph)
        {
            op.Save(self);
            if (c.Name == "std") op.Save(result);
        }
        op.Backward(BackwardRules.Variance(self, result, standardDeviation: c.Name == "std"));
        return c.Recorded(result);
    }

    private static Value Reduce(TensorOpCall c)
    {
        var (name, self, dims, op) = (c.Name, c.Self, c.Arg(0), c.Op);
        var keepDim = c.Arg(1) is BoolValue { Flag: true };
        var axes = dims switch
        {
            NullValue => Enumerable.Range(0, self.Shape.Rank).ToList(),
            IntValue single =>
                new List<int> { self.Shape.Axis(single.Pin()) ?? throw op.Mismatch($"{name} over dim {single.Pin()} of {self.Shape}") },
            ListValue many => many.Items
                .Select(d => d is IntValue i
                    ? self.Shape.Axis(i.Pin()) ?? throw op.Mismatch($"{name} over dim {i.Pin()} of {self.Shape}")
                    : throw op.Mismatch($"{name} over {d.Describe()}"))
                .ToList(),
            _ => throw op.Mismatch($"{name} over {dims.Describe()}"),
        };
        var shape = new TensorShape(self.Shape.Dims.Select((d, i) => axes.Contains(i) ? (keepDim ? Dim.Of(1) : (Dim?)null) : d)
            .Where(d => d is not null).Select(d => d!.Value));
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
}

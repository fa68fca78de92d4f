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
        yield return new(TensorOp.Amax, "keeps its input and result; backward masks the expanded gradient", Reduce)
        {
            Names = ["amax"], Backward = BackwardTrait.ExpandsGradientBack | BackwardTrait.MasksExpandedGradient, StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Amin, "as amax", Reduce)
        {
            Names = ["amin"], Backward = BackwardTrait.ExpandsGradientBack | BackwardTrait.MasksExpandedGradient, StridedGradientCopies = 0,
        };
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

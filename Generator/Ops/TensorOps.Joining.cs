using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Ops;

/// <summary>cat and stack: a new tensor of the parts, in the layout ATen computes from theirs; backward slices the gradient.</summary>
internal static partial class TensorOps
{
    private static IEnumerable<TensorOpRule> Joining()
    {
        yield return new(TensorOp.Cat, "the parts joined along a dimension", c =>
            Concatenate(c.Forward, stack: false, c.Arg(0), c.Args.Count > 1 ? c.Arg(1) : new IntValue(0), c.At))
        {
            Names = ["cat", "concat", "concatenate"], Forms = TensorOpForms.TorchFunction, StridedGradientCopies = 0,
        };
        yield return new(TensorOp.Stack, "the parts joined along a new dimension", c =>
            Concatenate(c.Forward, stack: true, c.Arg(0), c.Args.Count > 1 ? c.Arg(1) : new IntValue(0), c.At))
        {
            Names = ["stack"], Forms = TensorOpForms.TorchFunction, StridedGradientCopies = 0,
        };
    }

    private static Value Concatenate(ForwardSemantics f, bool stack, Value tensors, Value dim, LocationInfo? at)
    {
        var op = f.NewOp(stack ? "stack" : "cat", System.Array.Empty<Value>(), at);
        try
        {
            if (f.EnumerateList(tensors) is not ListValue list || list.Items.Count == 0)
                return f.Record(new UnknownValue("cat/stack of an unknown list", at));
            if (list.Items.FirstOrDefault(i => i is not ActivationTensor) is { } notTensor)
                return notTensor is UnknownValue u ? u : f.Record(new UnknownValue($"cat/stack of {notTensor.Describe()}", at));
            var parts = list.Items.Cast<ActivationTensor>().ToList();
            var call = f.NewOp(stack ? "stack" : "cat", parts, at);
            var first = parts[0].Shape;
            if (dim is not IntValue d) return f.Record(new UnknownValue("cat/stack along an unknown dimension", at));
            if (stack)
            {
                if (parts.Any(p => p.Shape != first))
                    throw op.Mismatch($"stack needs equal shapes, got {string.Join(", ", parts.Select(p => p.Shape))}");
                var axis = d.Pin() < 0 ? d.Pin() + first.Rank + 1 : d.Pin();
                call.Backward(BackwardRules.Concatenation(parts, (int)axis));
                var stacked = new TensorShape(first.Dims.Take((int)axis).Append(Dim.Of(parts.Count)).Concat(first.Dims.Skip((int)axis)));
                var (strides, exact) = StackLayout(f, stacked, parts, (int)axis);
                return Recorded(call, call.Output(stacked, strides: strides, exact: exact));
            }
            var catAxis = first.Axis(d.Pin()) ?? throw op.Mismatch($"cat along dim {d.Pin()} of {first}");
            // Every other dimension must agree (a guard where one follows the sequence length).
            if (parts.Any(p => p.Shape.Rank != first.Rank
                || Enumerable.Range(0, first.Rank).Any(i => i != catAxis && p.Shape[i] != first[i])))
            {
                throw op.Mismatch($"cat along dim {catAxis} needs the other sizes equal, got {string.Join(", ", parts.Select(p => p.Shape))}");
            }
            // The joined size follows the parts' polynomials (a sequence length: 2T where x is joined with f(x)).
            var total = parts.Select(p => p.Shape[catAxis]).Aggregate((a, b) => a.BatchPower == b.BatchPower
                ? a.Plus(b)
                : throw op.Mismatch("cat of batch and non-batch sizes"));
            call.Backward(BackwardRules.Concatenation(parts, catAxis));
            var joined = first.With(catAxis, total);
            NoteCacheSite(f, parts, joined, catAxis, at);
            return Recorded(call, call.Output(joined, strides: CatLayout(f, joined, parts.Select(p => (p.Shape, TensorLayout.ExactStridesOf(p))))));
        }
        catch (ShapeMismatchException mismatch)
        {
            return f.Mismatch(mismatch.Message, at, System.Array.Empty<Value>());
        }
    }

    /// <summary>
    /// A cat of (a view of) one of forward's inputs with computed tensors along that input's sequence length (it marks
    /// <c>SequenceDimensions</c>), the way a step extends a key/value cache: the joined tensor's bytes per unit of the cat
    /// dimension for one sample (every other size fixed but the batch's).
    /// </summary>
    private static void NoteCacheSite(ForwardSemantics f, IReadOnlyList<ActivationTensor> parts, TensorShape joined, int axis, LocationInfo? at)
    {
        string? InputOf(ActivationTensor part)
        {
            var root = part;
            while (root.ViewSource is { } source) root = source;
            var input = f.Trace.Inputs.FirstOrDefault(i => ReferenceEquals(i.Tensor, root));
            return input.SequenceLength is { } length && part.Shape[axis] is { BatchPower: 0 } size && size.PeekCoefficient == length
                ? input.Name : null;
        }
        var inputs = parts.Select(InputOf).ToList();
        if (inputs.Count(i => i is not null) != 1 || inputs.Distinct().Count() != 2) return;
        // Read without pinning (a Note must not restrict the lengths the formulas cover): fixed sizes and the batch only.
        var others = joined.Dims.Where((_, i) => i != axis).ToList();
        if (others.Any(d => d.Form is not null || d.BatchPower > 1 || (d.BatchPower == 1 && d.PeekCoefficient != 1))
            || parts[0].ElementType.SizeOf() is not { } size) return;
        long perToken;
        try { perToken = checked(others.Where(d => d.BatchPower == 0).Aggregate(1L, (a, d) => checked(a * d.PeekCoefficient)) * size); }
        catch (System.OverflowException) { return; }
        var module = f.Trace.Running.Count > 0 ? f.Trace.Running.Peek() : null;
        f.Trace.CacheSites.Add(new CacheSite(inputs.First(i => i is not null)!, module, perToken, at));
    }

    /// <summary>
    /// cat's result layout (compute_output_memory_format): channels-last when every input suggests it (4-d or 5-d),
    /// else contiguous (null).
    /// </summary>
    private static IReadOnlyList<Dim>? CatLayout(ForwardSemantics f, TensorShape result,
        IEnumerable<(TensorShape Shape, IReadOnlyList<Dim> Strides)> inputs) =>
        inputs.All(i => TensorLayout.IsChannelsLastLike(i.Shape, i.Strides, f.Trace.Decide)) ? TensorLayout.ChannelsLastStrides(result) : null;

    /// <summary>
    /// stack's result layout: ATen stacks along an existing dimension as cat along it and a view that splits it, so the
    /// result is cat's layout viewed (channels-last where every part is, measured: two [1, 3, 1, 2] channels-last parts
    /// stacked along 2 give [1, 3, 2, 1, 2] channels-last); along a new last dimension it is cat of the unsqueezed parts.
    /// </summary>
    private static (IReadOnlyList<Dim>? Strides, IReadOnlyList<Dim>? Exact) StackLayout(ForwardSemantics f, TensorShape stacked,
        IReadOnlyList<ActivationTensor> parts, int axis)
    {
        var first = parts[0].Shape;
        if (axis == first.Rank)
        {
            var unsqueezed = new TensorShape(first.Dims.Append(Dim.Of(1)));
            return (CatLayout(f, stacked,
                parts.Select(p => (unsqueezed, TensorLayout.Unsqueezed(p.Shape, TensorLayout.ExactStridesOf(p), axis)))), null);
        }
        var joined = first.With(axis, first[axis].Times(Dim.Of(parts.Count)));
        if (CatLayout(f, joined, parts.Select(p => (p.Shape, TensorLayout.ExactStridesOf(p)))) is not { } catStrides) return (null, null);
        // Splitting one dimension in two is always a view.
        TensorLayout.TryView(joined, catStrides, stacked, f.Trace.Decide, out var strides, out var exact);
        return (strides, exact);
    }
}

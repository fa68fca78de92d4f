using System;
using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Analysis;

/// <summary>
/// Autograd's engine on the CPU, one node at a time in reverse tape order (the order its ready queue gives a single
/// thread), tracking the bytes alive: the forward storages autograd still keeps, the pending gradients (a gradient and
/// the views of it share one buffer), and parameters' gradients on their way into .grad. Each node's backward follows
/// its <see cref="BackwardPlan"/>, or without one creates a gradient of each input's storage size. Adds a peak line for
/// every moment that can be the largest.
/// </summary>
internal sealed class BackwardEngine
{
    private readonly ForwardTrace trace;
    private readonly List<ByteCount> terms;
    // Pending gradients, by the tensor they are for (an alias stands for the tensor it is a handle of).
    private readonly Dictionary<ActivationTensor, Gradient> pending = new();
    private readonly HashSet<Storage> released = new();
    private readonly Dictionary<object, int> uses;
    private readonly Dictionary<object, int> seen = new();
    // Autograd's input buffers: the running sum of a parameter's gradients while some of its uses are still to run.
    private readonly Dictionary<object, ByteCount> parameterBuffers = new();

    public BackwardEngine(ForwardTrace trace, ActivationTensor output, ByteCount outputGradient, ByteCount live, List<ByteCount> terms)
    {
        this.trace = trace;
        this.terms = terms;
        Live = live;
        pending[Root(output)] = Gradient.Fresh(outputGradient);
        uses = ParameterUses(trace, output);
    }

    /// <summary>Forward's storages still alive (saved by autograd or held by a handle), the resident rows aside.</summary>
    public ByteCount Live { get; private set; }

    /// <summary>Runs one node's backward; false where a size is unknown (the peak is then unknown).</summary>
    public bool Run(TapeNode node)
    {
        var incoming = node.Outputs.Select(Root).Distinct().Where(pending.ContainsKey).ToList();
        return incoming.Count == 0 || RunNode(node, incoming);
    }

    private bool RunNode(TapeNode node, List<ActivationTensor> incoming)
    {
        var incomingGradients = incoming.Select(s => pending[s]).ToList();
        var held = Held();
        var buffered = Sum(parameterBuffers.Values);
        if (DenseStandIns(node) is not { } standIns) return false;
        var first = BackwardRules.GradientMadeFirst(node);
        if (first is not null)
        {
            terms.Add(Live.Plus(held).Plus(buffered).Plus(standIns).Plus(first.Bytes));
            AddParameterGradients(new List<(object, ByteCount)> { (first.Parameter, first.Bytes) }, first.Bytes);
            buffered = Sum(parameterBuffers.Values);
        }
        var fresh = Sum(node.ParameterGradients.Where(g => g != first).Select(g => g.Bytes));
        // A gradient that arrives strided costs some backwards a dense copy for the whole node.
        // sum hands its gradient back expanded (stride 0); only views and pointwise kernels were measured taking one.
        if (incomingGradients.Any(g => g.Strides?.Any(s => s.PeekCoefficient == 0) ?? false) && node.Kind != "view"
            && !BackwardTraits.Has(node.Kind, BackwardTrait.KeepsGradientLayout)
            && !BackwardTraits.Has(node.Kind, BackwardTrait.TakesExpandedGradient))
        {
            trace.UnmodeledPeak.Add($"Peak is unknown: the gradient reaching {node.Kind} is sum's expanded gradient, "
                + $"and what its backward then allocates was not measured.");
            return false;
        }
        if (node.ConvertsOperandInBackward && incomingGradients.Any(g => g.Permuted && (g.Strides?.Any(s => s.PeekCoefficient == 0) ?? false)))
        {
            trace.UnmodeledPeak.Add($"Peak is unknown: {node.Kind} of two types gets sum's expanded gradient back through a transpose, "
                + "and the layout of its product with the converted operand was not measured.");
            return false;
        }
        // mean, amax and amin expand the gradient back and divide (multiply) it: TensorIterator lays the result out from the
        // expanded strides, which is not followed for a strided gradient (its layout decides a later reshape's copy).
        if (incomingGradients.Any(g => g.Strided) && BackwardTraits.Has(node.Kind, BackwardTrait.ExpandsGradientBack))
        {
            trace.UnmodeledPeak.Add($"Peak is unknown: the gradient reaching {node.Kind} arrives strided, "
                + $"and the layout of the gradient its backward hands on was not measured.");
            return false;
        }
        // Pools pick their backward kernel (and its buffers) from the gradient's strides, size-1 dimensions' included: a
        // gradient handed back through a transpose is not followed there even where it is dense.
        if (incomingGradients.Any(g => g.Permuted) && BackwardTraits.Has(node.Kind, BackwardTrait.ReadsGradientStrides))
        {
            trace.UnmodeledPeak.Add($"Peak is unknown: the gradient reaching {node.Kind} comes back through a transposed view, "
                + $"and which backward kernel it then runs was not measured.");
            return false;
        }
        if (incomingGradients.Any(g => g.Strides is { } strides && BackwardRules.GradientNeedsBlasCopy(node, strides, trace.Decide)))
        {
            trace.UnmodeledPeak.Add($"Peak is unknown: the gradient reaching {node.Kind} has no unit stride, "
                + $"and the copies BLAS then makes of it were not modeled.");
            return false;
        }
        if (incomingGradients.Any(g => g.Strides is { } strides && BackwardRules.InstanceNorm1dOnStridedGradient(node, strides, trace.Decide)))
        {
            trace.UnmodeledPeak.Add($"Peak is unknown: {node.Kind}'s backward runs batch norm on a strided view of its gradient, "
                + "whose buffers were not pinned down.");
            return false;
        }
        var scratch = node.BackwardScratch;
        // (A backward that declares its dense gradients, oneDNN's RNN, models their copies itself.)
        if (incomingGradients.Any(g => g.Strided) && node.DenseGradients.Count == 0)
        {
            if (BackwardRules.StridedBothWays(node))
            {
                trace.UnmodeledPeak.Add($"Peak is unknown: {node.Kind} of a strided input gets a strided gradient, "
                    + $"whose copy depends on layouts not followed.");
                return false;
            }
            var takenAsItIs = BackwardRules.TakesAnyGradientLayout(node)
                || incomingGradients.All(g => g.Strides is null || BackwardRules.FoldsGradientWithoutCopy(node, g.Strides, trace.Decide)
                    || (BackwardTraits.Has(node.Kind, BackwardTrait.TakesDenseGradientAsItIs) && node.Outputs.Count > 0
                        && TensorLayout.IsNonOverlappingAndDense(node.Outputs[0].Shape, g.Strides, trace.Decide)));
            if (takenAsItIs && !node.DenseGradientScratch.Equals(ByteCount.Zero))
            {
                var strided = incomingGradients.First(g => g.Strided).Strides!;
                if (BackwardRules.RunsContiguousNormKernel(node, strided, trace.Decide) is not { } contiguousKernel)
                {
                    trace.UnmodeledPeak.Add($"Peak is unknown: {node.Kind}'s backward gets a strided gradient whose kernel was not followed.");
                    return false;
                }
                if (!contiguousKernel) scratch = scratch.Plus(node.DenseGradientScratch.Negate());
            }
            if (!takenAsItIs && BackwardTraits.Has(node.Kind, BackwardTrait.StridedCopyMeasuredDenseOnly) && node.Outputs.Count > 0
                && incomingGradients.Any(g => g.Strided && !TensorLayout.IsNonOverlappingAndDense(node.Outputs[0].Shape, g.Strides, trace.Decide)))
            {
                trace.UnmodeledPeak.Add($"Peak is unknown: {node.Kind}'s backward gets a sliced gradient, whose copies were not measured.");
                return false;
            }
            if ((takenAsItIs ? ByteCount.Zero : BackwardRules.StridedGradientCost(node)) is not { } copy)
            {
                trace.UnmodeledPeak.Add($"Peak is unknown: the gradient reaching {node.Kind} arrives strided (from a transposed or sliced view), "
                    + $"and what its backward then allocates was not measured.");
                return false;
            }
            // A transposed matrix is copied through a work buffer from 3,600 elements on (measured in forward's copies).
            if (!copy.Equals(ByteCount.Zero)
                && incomingGradients.Any(g => TensorLayout.IsTransposedMatrix(node.Outputs[0].Shape, g.Strides, trace.Decide)))
            {
                trace.UnmodeledPeak.Add($"Peak is unknown: {node.Kind}'s backward copies a transposed matrix gradient, "
                    + $"whose transpose work buffer was not modeled in backward.");
                return false;
            }
            // An expanded gradient (sum's) is not dropped after the copy (measured): only a strided one is replaced, and only
            // where a copy was made (2-d Linear's addmm takes it as it is: Fuzz198_00680, dropped, left the peak 6% low).
            if (!takenAsItIs && !copy.Equals(ByteCount.Zero) && BackwardTraits.Has(node.Kind, BackwardTrait.ReplacesStridedGradient)
                && !incomingGradients.Any(g => g.Strides?.Any(s => s.PeekCoefficient == 0) ?? false))
            {
                // The dense copy takes the strided gradient's place (freed once copied, unless a view of a gradient still pending).
                terms.Add(Live.Plus(held).Plus(copy).Plus(buffered));
                var alone = incomingGradients.Where(g => g.Strided && References(g.Buffer) == 1)
                    .Aggregate(ByteCount.Zero, (a, g) => a.Plus(g.Buffer.Bytes));
                held = held.Plus(copy).Plus(alone.Negate());
            }
            else
            {
                held = held.Plus(copy);
            }
        }
        List<(ActivationTensor Input, Gradient Gradient)> handed;
        if (node.Plan is { } plan)
        {
            // Before joining, split's backward fills zeros of each part's size that got no gradient, unbind's a 0-d zero
            // expanded to it (measured: 4 bytes for a Float32 part).
            var missing = node.Kind is "split" or "unbind" ? node.Outputs.Where(o => !incoming.Contains(Root(o))).ToList() : new();
            var zeros = Sum(missing.Select(o => node.Kind == "unbind"
                ? BackwardPlanBuilder.BytesOf(new TensorShape(System.Array.Empty<Dim>()), o.ElementType) : BackwardPlanBuilder.BytesOf(o)));
            // A backward that needs the incoming gradient in its own layout copies one laid out otherwise (all its moments
            // grow: the copy comes after its first allocations, and its last moment, the largest, holds it).
            var arrived = incomingGradients[0];
            var relaid = node.GradientLayoutNeeded is { } needed && node.Outputs.Count > 0
                && !SameLayout(node.Outputs[0].Shape, arrived.Strides, needed) ? BackwardPlanBuilder.BytesOf(node.Outputs[0]) : ByteCount.Zero;
            foreach (var moment in plan.Moments)
                terms.Add(Live.Plus(held).Plus(buffered).Plus(standIns).Plus(fresh).Plus(scratch).Plus(zeros).Plus(relaid).Plus(moment));
            handed = new List<(ActivationTensor, Gradient)>();
            foreach (var g in plan.Gradients)
            {
                if (!g.SharesIncoming)
                {
                    // expand's backward sums the gradient down to the input's size: only the result allocated, measured over
                    // strided gradients for expanded inner dimensions (Soak101_08563, Soak107_04545, llama's grouped heads);
                    // summing the outermost dimension of a strided one away was measured to take more (Soak102_09066).
                    if (node.Kind == "view" && arrived.Strided && !node.Outputs[0].IsSlice && SumsOutermost(g.Input, node.Outputs[0]))
                    {
                        trace.UnmodeledPeak.Add("Peak is unknown: an expand's backward sums the outermost dimension of a strided gradient "
                            + "away, which takes a working copy that was not modeled.");
                        return false;
                    }
                    handed.Add((g.Input, g.Strides is { } laidOut
                        ? new Gradient(g.Bytes, new GradientBuffer(g.Bytes)) { Strides = laidOut, Permuted = true, Own = true }
                        : Fresh(node, g.Input, g.Bytes, arrived, g.ReducedAxes, g.Factor)));
                    continue;
                }
                var permuted = arrived.Permuted || (node.Kind == "view" && Reorders(node.Outputs[0], g.Input));
                var strides = node.Kind == "view" ? ViewedBack(node.Outputs[0], g.Input, arrived)
                    : g.Axis is not null ? Narrowed(node.Outputs[0], g.Input, arrived, g.Axis)
                    : g.Expanded ? ExpandedBack(g.Input, node.Outputs[0], arrived, g.ReducedAxes)
                    // reshape's copy hands back grad.reshape(the source's size): a view where the strides allow it, else a copy.
                    : g.Input.Shape != node.Outputs[0].Shape ? ReshapedBack(node.Outputs[0], g.Input, arrived)
                    : arrived.Strides;
                if (ReferenceEquals(strides, Undecided))
                {
                    trace.UnmodeledPeak.Add("Peak is unknown: a reshape hands back sum's expanded gradient, "
                        + "and whether it copies it was not followed.");
                    return false;
                }
                // A view op that reshapes a strided gradient cannot view it: reshape copies it (a transposed matrix through a
                // work buffer from 3,600 elements on, not modeled in backward).
                if (strides == Unmappable && TensorLayout.IsTransposedMatrix(node.Outputs[0].Shape, arrived.Strides, trace.Decide))
                {
                    trace.UnmodeledPeak.Add("Peak is unknown: a reshape copies a transposed matrix gradient, "
                        + "whose transpose work buffer was not modeled in backward.");
                    return false;
                }
                if (strides == Unmappable) handed.Add((g.Input, Gradient.Fresh(g.Bytes)));
                else handed.Add((g.Input, new Gradient(g.Bytes, arrived.Buffer)
                {
                    ThroughView = g.AsView || arrived.ThroughView, Strides = strides, Permuted = permuted, PassedBy = node.Kind
                }));
            }
            if (handed.Any(h => h.Item2.Buffer != arrived.Buffer && plan.Gradients.Any(g => g.Input == h.Item1 && g.SharesIncoming)))
            {
                terms.Add(Live.Plus(held).Plus(buffered).Plus(Sum(handed.Where(h => h.Item2.Buffer != arrived.Buffer).Select(h => h.Item2.Bytes))));
            }
        }
        else
        {
            // Without a plan: one gradient of each input's size (a pass-through node hands the incoming one on).
            var created = ByteCount.Zero;
            var shared = incomingGradients[0].Buffer;
            handed = new List<(ActivationTensor, Gradient)>();
            // Linear over 3 or more dimensions hands back grad_input as a view (a reshape of addmm's 2-d result).
            var viewResult = node.Kind == "Linear" && node.Inputs.Any(i => i.Shape.Rank >= 3);
            foreach (var input in node.Inputs.Where(i => !i.Storage.IsResident))
            {
                ByteCount bytes;
                try { bytes = BackwardPlanBuilder.BytesOf(input); }
                catch (System.Exception e) when (e is NotLinearInBatchException or System.OverflowException) { return false; }
                if (!node.PassesGradientThrough) created = created.Plus(bytes);
                // Flatten's backward reshapes the gradient: a view of it, whether forward viewed or copied.
                var throughView = incomingGradients[0].ThroughView || node.Kind is "Flatten" or "Unflatten";
                var made = node.PassesGradientThrough
                    ? new Gradient(bytes, shared)
                    {
                        ThroughView = throughView, Strides = incomingGradients[0].Strides, Permuted = incomingGradients[0].Permuted
                    }
                    : Fresh(node, input, bytes, incomingGradients[0]);
                if (!node.PassesGradientThrough && BackwardRules.HandsGradientThroughViews(node))
                    made = new Gradient(made.Bytes, made.Buffer) { Own = true, ThroughView = true, Strides = made.Strides, Permuted = made.Permuted };
                // (in the input's layout where its fold was a column-major view: GradientFollowsColumnMajorOperand).
                handed.Add((input, viewResult
                    ? new Gradient(made.Bytes, made.Buffer) { Own = true, ThroughView = true, Strides = made.Strides, Permuted = made.Permuted }
                    : made));
            }
            terms.Add(Live.Plus(held).Plus(created).Plus(fresh).Plus(buffered).Plus(scratch).Plus(standIns));
            foreach (var moment in node.BackwardMoments) terms.Add(Live.Plus(held).Plus(buffered).Plus(standIns).Plus(moment));
        }

        foreach (var tensor in incoming) pending.Remove(tensor);
        Release(node);
        var parameterGradients = node.ParameterGradients.Where(g => g != first).Select(g => (g.Parameter, g.Bytes)).ToList();
        for (var i = 0; i < handed.Count; i++)
        {
            var (input, gradient) = handed[i];
            if (input.Storage.IsResident && Root(input).ViewSource is null)
            {
                if (input.Parameter is not { } parameter || parameter.PeekElementCount is null) continue;
                var bytes = ParameterGradient.Of(parameter, trace.ParameterElementSize).Bytes;
                parameterGradients.Add((parameter, bytes));
                fresh = fresh.Plus(bytes);
                continue;
            }
            // The node's gradients not yet in a buffer are alive meanwhile (measured: sub's pass-through while its negation is summed).
            var waiting = handed.Skip(i + 1).Select(h => h.Item2.Buffer).Where(b => b != gradient.Buffer && References(b) == 0).Distinct()
                .Aggregate(ByteCount.Zero, (a, b) => a.Plus(b.Bytes));
            Accumulate(Root(input), gradient, fresh.Plus(waiting));
        }
        AddParameterGradients(parameterGradients, fresh);
        return true;
    }

    private static bool SameCount(Dim a, Dim b) => a.BatchPower == b.BatchPower && a.PeekCoefficient == b.PeekCoefficient;

    /// <summary>
    /// A part's gradient in cat's or stack's backward: a narrow (and for stack a select) of the incoming gradient, so the
    /// incoming gradient's strides over the part's shape.
    /// </summary>
    private IReadOnlyList<Dim>? Narrowed(ActivationTensor output, ActivationTensor part, Gradient arrived, int? along)
    {
        var strides = (arrived.Strides ?? TensorLayout.ContiguousStrides(output.Shape)).ToList();
        // stack's select drops its own axis (two axes of one size could otherwise be taken for it).
        if (output.Shape.Rank == part.Shape.Rank + 1 && along is { } stacked && stacked < strides.Count)
        {
            strides.RemoveAt(stacked);
        }
        else if (output.Shape.Rank == part.Shape.Rank + 1)
        {
            for (var axis = 0; axis < output.Shape.Rank; axis++)
            {
                var without = new TensorShape(output.Shape.Dims.Where((_, i) => i != axis));
                if (without.Dims.Zip(part.Shape.Dims, SameCount).All(same => same))
                {
                    strides.RemoveAt(axis);
                    break;
                }
            }
        }
        return strides.Count == part.Shape.Rank ? TensorLayout.Normalized(part.Shape, strides, trace.Decide) : Unmappable;
    }

    /// <summary>
    /// A gradient a backward makes: a TensorIterator kernel's is laid out from its operands, the incoming gradient and the
    /// forward tensor in the kernel's order (<see cref="BackwardTrait.ReadsForwardTensorFirst"/>) or the factor it
    /// multiplies by (<see cref="TapeNode.GradientFactor"/>); any other is contiguous.
    /// </summary>
    private Gradient Fresh(TapeNode node, ActivationTensor input, ByteCount bytes, Gradient arrived, IReadOnlyList<int>? reducedAxes = null,
        (TensorShape Shape, IReadOnlyList<Dim>? Strides)? operandFactor = null)
    {
        if (BackwardRules.GradientFollowsColumnMajorOperand(node.Kind, input, trace.Decide))
        {
            return new Gradient(bytes, new GradientBuffer(bytes)) { Strides = input.Strides, Permuted = true, Own = true };
        }
        if (BackwardTraits.Has(node.Kind, BackwardTrait.MasksExpandedGradient) && MaskedLayout(node, input, arrived, reducedAxes) is { } masked)
        {
            return new Gradient(bytes, new GradientBuffer(bytes)) { Strides = masked, Permuted = true, Own = true };
        }
        if ((operandFactor ?? node.GradientFactor) is { } factor && node.Outputs.Count > 0 && input.Shape == node.Outputs[0].Shape)
        {
            var product = TensorLayout.PointwiseResult(input.Shape, new[] { (input.Shape, arrived.Strides), factor }, trace.Decide);
            var permuted = operandFactor is null || arrived.Permuted || factor.Strides is not null;
            return product is null ? Gradient.Fresh(bytes)
                : new Gradient(bytes, new GradientBuffer(bytes)) { Strides = product, Permuted = permuted, Own = true };
        }
        // An expanded gradient (sum's) leaves the order of its stride-0 dimensions to the forward tensor (measured).
        // A composite activation's ops (Softsign.div, Mish.mul) are those ops: the part after the dot names the kernel.
        var kind = node.Kind.Contains('.') ? node.Kind.Substring(node.Kind.LastIndexOf('.') + 1) : node.Kind;
        if (!BackwardTraits.Has(kind, BackwardTrait.KeepsGradientLayout) || node.Outputs.Count == 0 || input.Shape != node.Outputs[0].Shape)
        {
            return Gradient.Fresh(bytes);
        }
        var forwardTensor = BackwardTraits.Has(kind, BackwardTrait.ReadsResult) ? node.Outputs[0] : input;
        var forward = (input.Shape, forwardTensor.Strides);
        var gradient = (input.Shape, arrived.Strides);
        var operands = BackwardTraits.Has(kind, BackwardTrait.ReadsGradientOnly) ? new[] { gradient }
            : BackwardTraits.Has(kind, BackwardTrait.ReadsForwardTensorFirst) ? new[] { forward, gradient } : new[] { gradient, forward };
        var strides = TensorLayout.PointwiseResult(input.Shape, operands, trace.Decide);
        return strides is null ? Gradient.Fresh(bytes)
            : new Gradient(bytes, new GradientBuffer(bytes))
            {
                Strides = strides, Permuted = arrived.Permuted || forwardTensor.Strides is not null, Own = true
            };
    }

    /// <summary>
    /// amax's and amin's gradient, (grad / count).expand(input) * mask: laid out from the expanded gradient first and, over
    /// the reduced dimensions, from the mask, which is laid out as the input (measured without keepdim too: amax over a
    /// transposed view hands back a gradient that is contiguous through the transpose). Null where contiguous.
    /// </summary>
    private IReadOnlyList<Dim>? MaskedLayout(TapeNode node, ActivationTensor input, Gradient arrived, IReadOnlyList<int>? reducedAxes)
    {
        if (input.Strides is null || arrived.Strides is not null || node.Outputs.Count == 0) return null;
        var output = node.Outputs[0].Shape;
        var contiguous = TensorLayout.ContiguousStrides(output);
        Dim[] expanded;
        if (output.Rank == input.Shape.Rank)
        {
            expanded = Enumerable.Range(0, output.Rank)
                .Select(i => output[i] == Dim.Of(1) && input.Shape[i] != Dim.Of(1) ? Dim.Of(0) : contiguous[i]).ToArray();
        }
        else
        {
            // Without keepdim the gradient is unsqueezed back at the reduced dimensions, then expanded: stride 0 there.
            if (reducedAxes is null || output.Rank + reducedAxes.Count != input.Shape.Rank)
            {
                throw new InvalidOperationException($"{node.Kind}'s reduced dimensions do not match {input.Shape} and {output}");
            }
            var next = 0;
            expanded = Enumerable.Range(0, input.Shape.Rank).Select(i => reducedAxes.Contains(i) ? Dim.Of(0) : contiguous[next++]).ToArray();
        }
        var operands = new[] { (input.Shape, (IReadOnlyList<Dim>?)expanded), (input.Shape, input.Strides) };
        return TensorLayout.Normalized(input.Shape, TensorLayout.PointwiseResult(input.Shape, operands, trace.Decide), trace.Decide);
    }

    /// <summary>Whether a view of as many elements puts its source's dimensions (larger than 1) in another order (transpose, permute).</summary>
    private static bool Reorders(ActivationTensor view, ActivationTensor source)
    {
        IReadOnlyList<Dim> viewStrides = TensorLayout.ExactStridesOf(view), sourceStrides = TensorLayout.ExactStridesOf(source);
        var order = new List<int>();
        var used = new bool[view.Shape.Rank];
        for (var k = 0; k < source.Shape.Rank; k++)
        {
            if (SameCount(source.Shape[k], Dim.Of(1))) continue;
            for (var m = 0; m < view.Shape.Rank; m++)
            {
                if (used[m] || !SameCount(view.Shape[m], source.Shape[k]) || !SameCount(viewStrides[m], sourceStrides[k])) continue;
                used[m] = true;
                order.Add(m);
                break;
            }
        }
        // A transpose that moves only size-1 dimensions still leaves their strides odd: it counts as one.
        var movesOnes = view.Shape.Rank == source.Shape.Rank && !view.Shape.Dims.Zip(source.Shape.Dims, SameCount).All(same => same);
        return movesOnes || order.Zip(order.Skip(1), (a, b) => a > b).Any(descending => descending);
    }

    /// <summary>sum's gradient, the incoming one expanded over the summed dimensions: any stride, so marked as not dense.</summary>
    /// <summary>
    /// sum's gradient: the incoming one (unsqueezed where the dimensions were dropped) expanded back, stride 0 over the
    /// reduced dimensions and the incoming strides over the others; all 0 where the reduced dimensions are not known.
    /// </summary>
    private IReadOnlyList<Dim>? ExpandedBack(ActivationTensor input, ActivationTensor output, Gradient arrived, IReadOnlyList<int>? reduced)
    {
        var zeros = input.Shape.Dims.Select(_ => Dim.Of(0)).ToArray();
        if (reduced is null) return zeros;
        var incoming = arrived.Strides ?? TensorLayout.ContiguousStrides(output.Shape);
        var kept = output.Shape.Rank == input.Shape.Rank;
        if (incoming.Count != output.Shape.Rank || (!kept && output.Shape.Rank + reduced.Count != input.Shape.Rank)) return zeros;
        var next = 0;
        for (var i = 0; i < input.Shape.Rank; i++)
        {
            if (reduced.Contains(i))
            {
                // expand keeps the stride of a dimension it leaves at size 1: a sum over a size-1 dimension expands
                // nothing (seed 133: counted as expanded, a GELU after it was charged two copies).
                if (input.Shape[i] == Dim.Of(1))
                    zeros[i] = kept ? incoming[next] : next < incoming.Count ? incoming[next].Times(output.Shape[next]) : Dim.Of(1);
                if (kept) next++;
                continue;
            }
            zeros[i] = incoming[next++];
        }
        return zeros.Any(d => d.PeekCoefficient == 0) ? zeros : TensorLayout.Normalized(input.Shape, zeros, trace.Decide);
    }

    /// <summary>
    /// grad.reshape(source size): a dense gradient stays dense; a strided one is viewed where ATen's computeStride allows
    /// (measured: a permuted [72, 4, B] gradient of a reshape's copy split back to [12, 6, 4, B] without a copy), else
    /// copied (<see cref="Unmappable"/>, as sum's expanded gradient is).
    /// </summary>
    private IReadOnlyList<Dim>? ReshapedBack(ActivationTensor output, ActivationTensor source, Gradient arrived)
    {
        if (arrived.Strides is not { } strides) return null;
        if (strides.Any(d => d.PeekCoefficient == 0)) return Unmappable;
        return TensorLayout.TryView(output.Shape, strides, source.Shape, trace.Decide, out var reshaped) ? reshaped : Unmappable;
    }

    /// <summary>Whether a gradient of these strides (null: contiguous) is laid out as <paramref name="needed"/>.</summary>
    private bool SameLayout(TensorShape shape, IReadOnlyList<Dim>? strides, IReadOnlyList<Dim> needed)
    {
        var actual = strides ?? TensorLayout.ContiguousStrides(shape);
        // Compared as ATen compares numbers: in batch 1's pass a stride of 96·B is 96 (a permute that moved the batch).
        return actual.Count == needed.Count && Enumerable.Range(0, shape.Rank)
            .All(i => trace.Decide.IsOne(shape[i], "a gradient's layout") || trace.Decide.Equal(actual[i], needed[i], "a gradient's layout"));
    }

    /// <summary>Marks a gradient a view op cannot hand back as a view (a reshape of a strided gradient).</summary>
    private static readonly IReadOnlyList<Dim> Unmappable = new Dim[0];

    /// <summary>Marks a gradient whose layout after a view op is not followed (a reshape of sum's expanded gradient).</summary>
    private static readonly IReadOnlyList<Dim> Undecided = new Dim[0];

    /// <summary>
    /// The layout of the gradient a view op hands back to its source: each dimension of the source (larger than 1) is
    /// the view's dimension of the same size and stride, so it takes that dimension's stride in the incoming gradient.
    /// The strides compared are ATen's own, size-1 dimensions' included: at batch 1 a transposed view can be contiguous
    /// (measured: [8, 160, 1] of strides [160, 1, 1280]), and its normalized strides would match no source dimension.
    /// Where the view merges or splits dimensions (a reshape), a dense gradient stays dense and a strided one is viewed
    /// where ATen's computeStride allows, else copied (<see cref="Unmappable"/>). Null: dense.
    /// </summary>
    private IReadOnlyList<Dim>? ViewedBack(ActivationTensor view, ActivationTensor source, Gradient arrived)
    {
        var incoming = arrived.Strides ?? TensorLayout.ContiguousStrides(view.Shape);
        if (incoming.Count != view.Shape.Rank) return arrived.Strides is null ? null : Unmappable;
        IReadOnlyList<Dim> viewStrides = TensorLayout.ExactStridesOf(view), sourceStrides = TensorLayout.ExactStridesOf(source);
        var used = new bool[view.Shape.Rank];
        var result = new Dim[source.Shape.Rank];
        for (var k = 0; k < source.Shape.Rank; k++)
        {
            if (SameCount(source.Shape[k], Dim.Of(1)))
            {
                result[k] = Dim.Of(1);
                continue;
            }
            var match = -1;
            for (var m = 0; m < view.Shape.Rank && match < 0; m++)
            {
                if (!used[m] && SameCount(view.Shape[m], source.Shape[k]) && SameCount(viewStrides[m], sourceStrides[k])) match = m;
            }
            // A reshape: its backward is grad.reshape(source size), a view where computeStride finds strides, else a copy.
            // sum's expanded gradient carries no strides to reshape by (stride 0 marks it): whether it copies is not followed.
            if (match < 0 && arrived.Strides is { } expanded && expanded.Any(d => d.PeekCoefficient == 0)) return Undecided;
            if (match < 0) return arrived.Strides is null ? null
                : TensorLayout.TryView(view.Shape, arrived.Strides, source.Shape, trace.Decide, out var reshaped) ? reshaped : Unmappable;
            used[match] = true;
            result[k] = incoming[match];
        }
        return TensorLayout.Normalized(source.Shape, result, trace.Decide);
    }

    /// <summary>Whether expanding <paramref name="source"/> to <paramref name="expanded"/> grew its first dimension or added some.</summary>
    private static bool SumsOutermost(ActivationTensor source, ActivationTensor expanded) =>
        source.Shape.Rank < expanded.Shape.Rank || (source.Shape.Rank > 0 && source.Shape[0] != expanded.Shape[0]);

    /// <summary>
    /// A gradient arriving for a storage: the first is kept; a second is added in place into the first where the first is
    /// a buffer of its own, else summed out of place (old, new and the sum alive for a moment, beside
    /// <paramref name="alsoAlive"/>: the node's fresh parameter gradients and its gradients not yet in a buffer).
    /// </summary>
    private void Accumulate(ActivationTensor tensor, Gradient gradient, ByteCount alsoAlive)
    {
        if (!pending.TryGetValue(tensor, out var old))
        {
            pending[tensor] = gradient;
            return;
        }
        // In place (measured) where the first gradient is no view (InputBuffer's can_accumulate_inplace: the last reference
        // to a dense storage of its own): a gradient a backward made, or the incoming one add, sub, clone or copy handed on.
        var handedOn = old.PassedBy is "add" or "sub" or "clone" or "copy";
        var inPlace = References(old.Buffer) == 1 && !ReferenceEquals(old.Buffer, gradient.Buffer) && !old.Strided && !old.ThroughView
            && (old.Own || handedOn);
        var handedOnUnchanged = gradient.PassedBy is { } by && BackwardTraits.Has(by, BackwardTrait.TakesDenseGradientAsItIs);
        if (inPlace && !handedOnUnchanged) return;
        var arriving = References(gradient.Buffer) == 0 ? gradient.Bytes : ByteCount.Zero;
        // old + new is a TensorIterator result: dense, in the order its operands' strides give (a slice's sum is contiguous).
        var sum = new Gradient(old.Bytes, new GradientBuffer(old.Bytes))
        {
            Strides = SumLayout(tensor, old, gradient), Permuted = old.Permuted, Own = true
        };
        // The node's fresh parameter gradients wait in their AccumulateGrad buffers meanwhile (measured after a 3-d Linear).
        var moment = Live.Plus(Held()).Plus(arriving).Plus(sum.Bytes).Plus(Sum(parameterBuffers.Values)).Plus(alsoAlive);
        // A gradient TorchSharp's Hardtanh handed on unchanged (TakesDenseGradientAsItIs) is taken in place by a fresh one in
        // some measured cases (its incoming one made by the op before, or a view of one) and out of place in others (the
        // gradient sub handed on from a later op; Fuzz176_00419): not pinned down, so the sum's moment is uncertain.
        if (inPlace)
        {
            Uncertain.Add(moment);
            return;
        }
        // A first gradient handed back through view ops met by sum's expanded one (x.sum(1, keepdim).matmul(x)): the step's peak
        // was measured below an out-of-place sum (Fuzz159_01675), and what the engine does there was not pinned down.
        var expandedArrives = gradient.Strides?.Any(s => s.PeekCoefficient == 0) ?? false;
        if (old.PassedBy is "view" && expandedArrives && References(old.Buffer) == 1 && !ReferenceEquals(old.Buffer, gradient.Buffer))
        {
            Uncertain.Add(moment);
            return;
        }
        // Measured out of place: the same gradient twice (x + x), a first one that other pending gradients are views of, one
        // handed back through view ops (x.matmul(x.transpose(-2, -1))), and a view add or sub handed on ((x + x.mean(…)).flatten(1)).
        if (ReferenceEquals(old.Buffer, gradient.Buffer) || References(old.Buffer) > 1 || old.PassedBy is "view" or "cat" or "stack"
            || (handedOn && old.ThroughView))
        {
            terms.Add(moment);
            pending[tensor] = sum;
            return;
        }
        // Otherwise (the first gradient handed on by add or a view op) the engine added in place in some measured cases
        // and out of place in others: the sum's moment is uncertain, and the peak is known only where it does not decide.
        Uncertain.Add(moment);
    }

    private IReadOnlyList<Dim>? SumLayout(ActivationTensor tensor, Gradient old, Gradient arriving)
    {
        if (old.Strides is not { } strides || strides.Any(s => s.PeekCoefficient == 0)) return null;
        var operands = new[] { (tensor.Shape, (IReadOnlyList<Dim>?)strides), (tensor.Shape, arriving.Strides) };
        return TensorLayout.Normalized(tensor.Shape, TensorLayout.PointwiseResult(tensor.Shape, operands, trace.Decide), trace.Decide);
    }

    /// <summary>Moments that may or may not happen (see <see cref="Accumulate"/>): the peak is known only where none is above it.</summary>
    public List<ByteCount> Uncertain { get; } = new();

    /// <summary>The engine releases what the node saved before it adds the node's gradients into input buffers (engine.cpp).</summary>
    private void Release(TapeNode node)
    {
        foreach (var storage in node.Saved)
        {
            if (--storage.Savers > 0 || trace.HasLiveHandle(storage) || !released.Add(storage)) continue;
            if (storage.Bytes() is { } bytes) Live = Live.Plus(bytes.Negate());
        }
    }

    /// <summary>
    /// Each fresh parameter gradient goes into its parameter's input buffer (measured on 0.107 CPU): the first is kept as
    /// it is, the second is summed out of place (old, fresh and sum alive at once), later ones are added in place; after
    /// the last use the sum is added into .grad and freed. A parameter used once: added, freed. The engine reaches a
    /// linear's bias first and its weight after t()'s backward: last listed first.
    /// </summary>
    private void AddParameterGradients(List<(object Parameter, ByteCount Bytes)> gradients, ByteCount fresh)
    {
        var after = Held();
        foreach (var (parameter, bytes) in Enumerable.Reverse(gradients))
        {
            var count = seen[parameter] = seen.TryGetValue(parameter, out var n) ? n + 1 : 1;
            var total = uses.TryGetValue(parameter, out var u) ? u : 1;
            if (count == 2) terms.Add(Live.Plus(after).Plus(fresh).Plus(Sum(parameterBuffers.Values)).Plus(bytes));
            fresh = fresh.Plus(bytes.Negate());
            if (count == 1 && total > 1) parameterBuffers[parameter] = bytes;
            if (count == total) parameterBuffers.Remove(parameter);
        }
    }

    private int References(GradientBuffer buffer) => pending.Values.Count(g => ReferenceEquals(g.Buffer, buffer));

    /// <summary>The pending gradients' bytes, each buffer once.</summary>
    private ByteCount Held()
    {
        foreach (var gradient in pending.Values) gradient.Buffer.Counted = false;
        var total = ByteCount.Zero;
        foreach (var gradient in pending.Values)
        {
            if (gradient.Buffer.Counted) continue;
            gradient.Buffer.Counted = true;
            total = total.Plus(gradient.Buffer.Bytes);
        }
        return total;
    }

    private static ByteCount Sum(IEnumerable<ByteCount> bytes) => bytes.Aggregate(ByteCount.Zero, (a, b) => a.Plus(b));

    /// <summary>
    /// How many nodes that backward runs (those a gradient reaches from the output) use each parameter: autograd adds a
    /// parameter's summed gradient into .grad once all of them have run.
    /// </summary>
    public static Dictionary<object, int> ParameterUses(ForwardTrace trace, ActivationTensor output) => ParameterUses(trace, output, out _);

    /// <summary>The same, with the nodes backward reaches.</summary>
    public static Dictionary<object, int> ParameterUses(ForwardTrace trace, ActivationTensor output, out List<TapeNode> reachedNodes)
    {
        reachedNodes = new List<TapeNode>();
        var reached = new HashSet<ActivationTensor> { Root(output) };
        var uses = new Dictionary<object, int>();
        foreach (var node in Enumerable.Reverse(trace.Tape))
        {
            var incoming = node.Outputs.Select(Root).Where(reached.Contains).ToList();
            if (incoming.Count == 0) continue;
            reachedNodes.Add(node);
            foreach (var tensor in incoming) reached.Remove(tensor);
            foreach (var input in node.Inputs) reached.Add(Root(input));
            var parameters = node.ParameterGradients.Select(g => g.Parameter)
                .Concat(node.Plan?.Gradients
                    .Where(g => g.Input.Storage.IsResident && Root(g.Input).ViewSource is null && g.Input.Parameter is not null)
                    .Select(g => (object)g.Input.Parameter!) ?? Enumerable.Empty<object>());
            foreach (var parameter in parameters) uses[parameter] = uses.TryGetValue(parameter, out var n) ? n + 1 : 1;
        }
        return uses;
    }

    /// <summary>The tensor an alias is a handle of (itself for any other tensor).</summary>
    private static ActivationTensor Root(ActivationTensor tensor)
    {
        while (tensor.IsAlias && tensor.ViewSource is { } source) tensor = source;
        return tensor;
    }

    /// <summary>
    /// What a backward that needs its incoming gradients dense (oneDNN's RNN) makes for the whole call: zeros for each
    /// that did not arrive, a contiguous copy of each that arrives strided. Null, with the reason among the trace's
    /// unmodeled-peak Notes, when one arrives and the rule could not tell its layout.
    /// </summary>
    private ByteCount? DenseStandIns(TapeNode node)
    {
        var total = ByteCount.Zero;
        foreach (var dense in node.DenseGradients)
        {
            var arrives = pending.Keys.Any(t => ReferenceEquals(t.Storage, dense.Carrier));
            if (arrives && dense.Layout == GradientLayout.Unknown)
            {
                trace.UnmodeledPeak.Add($"Peak is unknown: {node.Kind}'s backward copies the gradient of {dense.Of} when it is not contiguous, "
                    + $"and whether it is depends on the ops after the layer.");
                return null;
            }
            if (!arrives || dense.Layout == GradientLayout.NonContiguous) total = total.Plus(dense.Bytes);
        }
        return total;
    }

    /// <summary>A pending gradient: its bytes as handed, and the buffer it lives in (shared by views of one gradient).</summary>
    private sealed class Gradient(ByteCount bytes, GradientBuffer buffer)
    {
        public ByteCount Bytes { get; } = bytes;

        public GradientBuffer Buffer { get; } = buffer;

        /// <summary>
        /// Handed on as a view (through reshape, transpose, a slice of cat's gradient): the engine adds into such a
        /// gradient out of place (measured: x.matmul(x.transpose(-2, -1)) sums x's two gradients out of place).
        /// </summary>
        public bool ThroughView { get; init; }

        /// <summary>Strides where not dense in its tensor's order (the gradient of a transposed view, handed back to the tensor).</summary>
        public IReadOnlyList<Dim>? Strides { get; init; }

        public bool Strided => Strides is not null;

        /// <summary>The node that handed the incoming gradient on as this one (add, sub, clone, view, cat), if one did.</summary>
        public string? PassedBy { get; init; }

        /// <summary>Handed back through a transpose or permute (even where the result counts as dense).</summary>
        public bool Permuted { get; init; }

        public static Gradient Fresh(ByteCount bytes) => new(bytes, new GradientBuffer(bytes)) { Own = true };

        /// <summary>
        /// A tensor a backward made, not the incoming gradient handed on (add's, clone's) nor a view: only such a gradient
        /// takes a second one in place (measured: x - x.mean(...) sums x's two gradients out of place).
        /// </summary>
        public bool Own { get; init; }
    }

    private sealed class GradientBuffer(ByteCount bytes)
    {
        public ByteCount Bytes { get; } = bytes;

        public bool Counted { get; set; }
    }
}

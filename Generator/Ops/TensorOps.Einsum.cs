using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Ops;

/// <summary>
/// torch.einsum of one to three operands as ATen 2.10 runs it (Linear.cpp): each operand unsqueezed for the labels it lacks and
/// permuted to the output's labels then the contracted ones (sorted, capitals first); then sumproduct_pair: permute and
/// reshape each to [shared, own, contracted], bmm, view and permute back, and a view that drops the contracted labels.
/// Each step is forward's own rule (views, reshape's copy, bmm), so what einsum keeps and copies follows theirs. An
/// ellipsis is spelled as labels of its own (one the output drops is not modeled); one operand is a permute and a sum.
/// Three contract left to right, each pair summing the labels no later operand has (libtorch has no opt_einsum path). A
/// repeated label, more operands, and a label summed in one operand only are not modeled.
/// </summary>
internal static partial class TensorOps
{
    private static IEnumerable<TensorOpRule> Einsum()
    {
        yield return new(TensorOp.Einsum, "one operand: a permute and a sum; two or three: views, reshapes (copies where no view "
            + "exists) and bmm, as ATen's sumproduct_pair, left to right",
            Einsum)
        {
            Names = ["einsum"], Forms = TensorOpForms.TorchFunction,
        };
    }

    private static Value? Einsum(TensorOpCall c)
    {
        if (c.Arg(0) is not StringValue { Text: var equation } || c.Forward.EnumerateList(c.Arg(1)) is not ListValue list) return null;
        if (list.Items.OfType<UnknownValue>().FirstOrDefault() is { } lost) return lost;
        if (list.Items.Count is < 1 or > 3 || list.Items.Any(i => i is not ActivationTensor)) return null;
        var operands = list.Items.Cast<ActivationTensor>().ToList();
        var expanded = WithoutEllipsis(equation.Replace(" ", ""), operands.Select(o => o.Shape.Rank).ToList());
        if (expanded is null || ParseEinsum(expanded) is not var (inputs, output) || inputs.Length != operands.Count) return null;
        if (operands.Count == 1) return EinsumOfOne(c, equation, operands[0], inputs[0], output);
        for (var i = 0; i < operands.Count; i++)
        {
            if (inputs[i].Length != operands[i].Shape.Rank)
                throw c.Op.Mismatch($"einsum: operand {i} {operands[i].Shape} has {inputs[i].Length} subscripts in \"{equation}\"");
        }
        var f = c.Forward;
        bool IsOne(Dim size) => f.Trace.Decide.IsOne(size, "einsum's sizes");
        // Output labels first, then the contracted ones by subscript (A–Z before a–z), as label_perm_index orders them.
        var contracted = inputs.SelectMany(l => l).Distinct().Where(l => !output.Contains(l)).OrderBy(l => char.IsUpper(l) ? 0 : 1)
            .ThenBy(l => l).ToList();
        var order = output.Concat(contracted).ToList();
        var inside = new List<ActivationTensor>();
        var aligned = new List<ActivationTensor>();
        // dim_counts: for each label, the operands where its size is not 1.
        var counts = new int[order.Count];
        for (var i = 0; i < operands.Count; i++)
        {
            var op = operands[i];
            var permutation = order.Select(l => inputs[i].IndexOf(l)).ToArray();
            var dim = inputs[i].Length;
            for (var p = 0; p < permutation.Length; p++)
            {
                if (permutation[p] >= 0)
                {
                    if (!IsOne(op.Shape[permutation[p]])) counts[p]++;
                    continue;
                }
                op = Inside(Unsqueeze(f, op, dim), inside);
                permutation[p] = dim++;
            }
            aligned.Add(Inside(f.Trace.Permute(op, permutation), inside));
        }
        // Sizes agree or broadcast (ATen's "subscript … does not broadcast").
        for (var p = 0; p < order.Count; p++)
        {
            var sizes = aligned.Select(a => a.Shape[p]).Where(size => !IsOne(size)).Distinct().ToList();
            if (sizes.Count > 1)
                throw c.Op.Mismatch($"einsum: subscript {order[p]} has sizes {string.Join(" and ", sizes)}, which do not broadcast");
        }
        // Left to right, as libtorch contracts without opt_einsum: each pair sums the labels no later operand has.
        var result = aligned[0];
        for (var i = 1; i < aligned.Count; i++)
        {
            var sums = new List<int>();
            for (var p = output.Length; p < order.Count; p++)
            {
                bool inA = !IsOne(result.Shape[p]), inB = !IsOne(aligned[i].Shape[p]);
                if (inA && inB && --counts[p] == 1)
                {
                    sums.Add(p);
                    counts[p] = 0;
                }
                else if (!(inA && inB) && counts[p] == 1 && (inA || inB))
                {
                    return Declined(f, "einsum with a label summed in one operand only", c.At);
                }
            }
            var step = new List<ActivationTensor>();
            var product = SumProductPair(f, result, aligned[i], sums, c.Op, c.At, step);
            // What the pair made and no longer needs is freed as the loop moves on (ATen's a and b go out of scope).
            foreach (var handle in step.Where(h => !ReferenceEquals(h, product))) f.Trace.Dispose(handle);
            if (i > 1) f.Trace.Dispose(result);
            result = product;
        }
        if (contracted.Count > 0)
        {
            var viewed = ViewOrThrow(f, result, new TensorShape(result.Shape.Dims.Take(output.Length)), c.Op);
            f.Trace.Dispose(result);
            result = viewed;
        }
        foreach (var handle in inside.Where(h => !ReferenceEquals(h, result) && !operands.Contains(h))) f.Trace.Dispose(handle);
        return result;
    }

    /// <summary>
    /// One operand: permuted to the output's labels then the summed ones (a view), and those summed by sum's own rule, as
    /// ATen's einsum does for a single operand ("bij->bji" is a view, "bij->bj" a sum).
    /// </summary>
    private static Value EinsumOfOne(TensorOpCall c, string equation, ActivationTensor operand, string labels, string output)
    {
        if (labels.Length != operand.Shape.Rank)
            throw c.Op.Mismatch($"einsum: operand {operand.Shape} has {labels.Length} subscripts in \"{equation}\"");
        var summed = labels.Where(l => !output.Contains(l)).OrderBy(l => char.IsUpper(l) ? 0 : 1).ThenBy(l => l).ToList();
        var permuted = c.Forward.Trace.Permute(operand, output.Concat(summed).Select(l => labels.IndexOf(l)).ToList());
        if (summed.Count == 0) return permuted;
        var dims = new ListValue(Enumerable.Range(output.Length, summed.Count).Select(d => (Value)new IntValue(d)).ToList());
        var sum = new TensorOpCall(c.Forward, "sum", permuted, c.Forward.NewOp("sum", new Value[] { permuted }, c.At), c.At)
        {
            Args = [new("dim", dims), new("keepdim", new BoolValue(false))],
        };
        var result = Reduce(sum);
        c.Forward.Trace.Dispose(permuted);
        return result;
    }

    /// <summary>ATen's sumproduct_pair with keepdim: mul where nothing is summed, else permute, reshape, bmm, view, permute.</summary>
    private static ActivationTensor SumProductPair(ForwardSemantics f, ActivationTensor left, ActivationTensor right, List<int> sums,
        LayerCall op, LocationInfo? at, List<ActivationTensor> inside)
    {
        if (sums.Count == 0) return Inside((ActivationTensor)Arithmetic(f, TensorOp.Mul, left, right, at), inside);
        List<int> lro = new(), lo = new(), ro = new();
        foreach (var i in Enumerable.Range(0, left.Shape.Rank).Where(i => !sums.Contains(i)))
        {
            bool sl = !f.Trace.Decide.IsOne(left.Shape[i], "einsum's sizes"), sr = !f.Trace.Decide.IsOne(right.Shape[i], "einsum's sizes");
            (sl && sr ? lro : sl ? lo : ro).Add(i);
        }
        // Where every right-only label comes before the left-only ones, the operands trade places (bmm then yields the output's order).
        if (lo.Count > 0 && ro.Count > 0 && ro[ro.Count - 1] < lo[0])
        {
            (left, right) = (right, left);
            (lo, ro) = (ro, lo);
        }
        Dim Size(ActivationTensor t, IEnumerable<int> axes) => axes.Aggregate(Dim.Of(1), (a, i) => a.Times(t.Shape[i]));
        // A label of size 1 on both sides goes with ro; at batch 1 the batch's may be one, so the output keeps the batch's size.
        Dim Kept(Dim own, Dim other) => own.BatchPower == 0 && other.BatchPower > 0 ? other : own;
        var outSize = lro.Select(i => left.Shape[i]).Concat(lo.Select(i => Kept(left.Shape[i], right.Shape[i])))
            .Concat(sums.Select(_ => Dim.Of(1))).Concat(ro.Select(i => Kept(right.Shape[i], left.Shape[i]))).ToList();
        var leftOrder = lro.Concat(lo).Concat(sums).Concat(ro).ToList();
        var rightOrder = lro.Concat(sums).Concat(ro).Concat(lo).ToList();
        var back = new int[leftOrder.Count];
        for (var k = 0; k < leftOrder.Count; k++) back[leftOrder[k]] = k;
        var leftMatrix = Inside(ReshapeOrCopy(f, Inside(f.Trace.Permute(left, leftOrder), inside),
            new TensorShape(new[] { Size(left, lro), Size(left, lo), Size(left, sums) }), at), inside);
        var rightMatrix = Inside(ReshapeOrCopy(f, Inside(f.Trace.Permute(right, rightOrder), inside),
            new TensorShape(new[] { Size(right, lro), Size(right, sums), Size(right, ro) }), at), inside);
        var product = Inside((ActivationTensor)MatrixProduct(f, "bmm", leftMatrix, rightMatrix, at, Size(left, sums)), inside);
        var viewed = Inside(ViewOrThrow(f, product, new TensorShape(outSize), op), inside);
        return Inside(f.Trace.Permute(viewed, back), inside);
    }

    /// <summary>
    /// The equation with each "..." spelled as labels of its own (capitals the equation does not use), right-aligned
    /// across the operands as ATen broadcasts them, and in the output where its "..." stands, which is where ATen puts
    /// those dimensions. Null where the output drops them (ATen sums them: not modeled) or there is no arrow.
    /// </summary>
    private static string? WithoutEllipsis(string equation, IReadOnlyList<int> ranks)
    {
        if (!equation.Contains("...")) return equation;
        var arrow = equation.IndexOf("->", System.StringComparison.Ordinal);
        if (arrow < 0) return null;
        var inputs = equation.Substring(0, arrow).Split(',');
        var output = equation.Substring(arrow + 2);
        if (inputs.Length != ranks.Count) return null;
        var covered = inputs.Select((labels, i) => labels.Contains("...") ? ranks[i] - (labels.Length - 3) : 0).ToList();
        var widest = covered.Max();
        var fresh = Enumerable.Range('A', 26).Select(c => (char)c).Where(c => equation.IndexOf(c) < 0).Take(widest).ToArray();
        if (covered.Any(n => n < 0) || fresh.Length < widest || (widest > 0 && !output.Contains("..."))) return null;
        string Spelled(string labels, int count) => labels.Replace("...", new string(fresh, widest - count, count));
        return string.Join(",", inputs.Select((labels, i) => Spelled(labels, covered[i]))) + "->" + Spelled(output, widest);
    }

    /// <summary>"ab,bc->ac": each operand's labels and the output's; null for a form not modeled (no arrow, repeats).</summary>
    private static (string[] Inputs, string Output)? ParseEinsum(string equation)
    {
        var arrow = equation.IndexOf("->", System.StringComparison.Ordinal);
        if (arrow < 0) return null;
        var inputs = equation.Substring(0, arrow).Split(',');
        var output = equation.Substring(arrow + 2);
        bool Plain(string labels) => labels.All(l => l is >= 'a' and <= 'z' or >= 'A' and <= 'Z') && labels.Distinct().Count() == labels.Length;
        if (inputs.Length is < 1 or > 3 || !inputs.All(Plain) || !Plain(output) || output.Any(l => !inputs.Any(i => i.Contains(l)))) return null;
        return (inputs, output);
    }

    private static UnknownValue Declined(ForwardSemantics f, string what, LocationInfo? at) =>
        f.Record(new UnknownValue($"{what} is not modeled", at));
}

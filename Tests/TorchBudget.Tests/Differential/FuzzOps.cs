using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using static TorchBudget.Tests.Differential.ProgramBuilder;

namespace TorchBudget.Tests.Differential;

/// <summary>
/// The ops the fuzzer draws from: every operation and layer family the analysis claims to model, each written the way
/// users write it and kept valid for TorchSharp 0.107 (shapes, ranks, channel counts). An op returns false where it
/// does not apply to the current tensor, and the generator draws another.
/// </summary>
internal static class FuzzOps
{
    public static readonly IReadOnlyList<(string Family, Func<ProgramBuilder, bool> Apply)> All = new (string, Func<ProgramBuilder, bool>)[]
    {
        ("linear", Linear),
        ("linear", Linear),
        ("pointwise", UnaryMethod),
        ("activation", FunctionalActivation),
        ("activation", ActivationModule),
        ("softmax", Softmax),
        ("broadcast", Binary),
        ("broadcast", Binary),
        ("broadcast", ScalarArithmetic),
        ("view", Transpose),
        ("view", Permute),
        ("view", Reshape),
        ("view", Reshape),
        ("view", UnsqueezeSqueeze),
        ("view", Flatten),
        ("view", Contiguous),
        ("view", Expand),
        ("view", RepeatInterleave),
        ("view", Repeat),
        ("matmul", Outer),
        ("matmul", Einsum),
        ("index", Index),
        ("matmul", Matmul),
        ("matmul", Matmul),
        ("reduction", Reduction),
        ("cat", Concatenate),
        ("dropout", Dropout),
        ("dropout", FeatureDropout),
        ("norm", Norm),
        ("pool", Pool),
        ("shuffle", PixelShuffle),
        ("conv", Convolution),
        ("upsample", Upsample),
        ("pad", FunctionalPad),
        ("sequential", SequentialBlock),
        ("buffer", Buffer),
        ("split", Split),
        ("mask", MaskedFill),
        ("arange", Arange),
        ("like", LikeFactory),
        ("attention", Attention),
        ("native attention", NativeAttention),
    };

    /// <summary>
    /// MultiheadAttention, a TransformerEncoderLayer or a TransformerDecoderLayer over [B, T, E] handed over as [T, B, E]
    /// (sequence-first): with or without a Bool key padding mask computed from the input, an additive [T, T] mask buffer,
    /// dropout, GELU, the weights.
    /// </summary>
    private static bool NativeAttention(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.Rank != 3 || x.Shape[0] != Batch || x.Shape[1] == Batch || x.Shape[2] == Batch || x.Features > 2048) return false;
        // masked_fill's -inf, log of a zero and sqrt of a negative can make NaN activations, and libtorch compares query
        // and key by value (NaN is not equal to itself) to choose the in-projection: the analysis takes finite activations
        // (seeds 142 and 145: another path). TorchSharp 0.107's GroupNorm leaves its weight and bias uninitialized (logged:
        // 4.6e-41, 2.5e-29, outputs up to 1.7e17), which can overflow inside the attention (seeds 153 and 154).
        if (p.Families.Contains("mask") || new[] { ".log()", "sqrt()", ".pow(", "NegativeInfinity", "GroupNorm(" }.Any(p.Uses)) return false;
        long t = x.Shape[1], e = x.Shape[2];
        var heads = p.Pick(new long[] { 1 }.Concat(Divisors(e).Where(h => h <= 4)).ToList());
        // Never every key of a row (its softmax would be NaN, and NaN parameters make libtorch's torch::equal of query and
        // key false, which picks another in-projection: measured as a flaky extra [T, B, E] x 2).
        var padding = p.Chance(0.5) ? $"torch.arange({t}).gt({Math.Max(t - 2, 0)}).unsqueeze(0).expand(b, {t})" : "null";
        var mask = p.Chance(0.5) ? p.Field("Tensor", $"torch.triu(torch.full({t}, {t}, -1e9), 1)") : "null";
        var dropout = p.Pick(new[] { "0.0", "0.1" });
        var sequenceFirst = $"{x.Name}.transpose(0, 1)";
        string call;
        var activation = p.Chance(0.5) ? ", Activations.GELU" : "";
        if (t >= 2 && p.Chance(0.25))
        {
            // A decoder layer over the sequence, its memory the first t - 1 positions (a length of its own).
            var layer = p.Field("TransformerDecoderLayer", $"TransformerDecoderLayer({e}, {heads}, {2 * e}, {dropout}{activation})");
            var dense = $"{x.Name}.transpose(0, 1).contiguous()";
            call = $"{layer}.call({dense}, {dense}[..{t - 1}], {mask}, null, {padding}, null)";
        }
        else if (p.Chance(0.5))
        {
            var layer = p.Field("TransformerEncoderLayer", $"TransformerEncoderLayer({e}, {heads}, {2 * e}, {dropout}{activation})");
            call = $"{layer}.call({sequenceFirst}, {mask}, {padding})";
        }
        else
        {
            var attention = p.Field("MultiheadAttention", $"MultiheadAttention({e}, {heads}, dropout: {dropout})");
            var weights = p.Chance(0.5) ? "true" : "false";
            call = $"{attention}.call({sequenceFirst}, {sequenceFirst}, {sequenceFirst}, {padding}, {weights}, {mask}).Item1";
        }
        p.Emit("native attention", $"{call}.transpose(0, 1)", x.Shape);
        return true;
    }

    /// <summary>
    /// scaled_dot_product_attention over a 4-d tensor as [B, H, T, D] or a 3-d one as [B, T, D] (self-attention): causal,
    /// with a Bool tril mask cut by C# ranges, with a float mask, or with a mask of size 1 along a length; with dropout
    /// or a key and value of one head (4-d) at times, which (as 3-d inputs do) take the math path, not the flash kernel.
    /// </summary>
    private static bool Attention(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.Rank is not (3 or 4) || x.Shape[^1] == Batch || x.Shape[^2] == Batch || x.Features > 4096) return false;
        var t = x.Shape[^2];
        var shared = x.Rank == 4 && p.Chance(0.25) ? $"{x.Name}[.., ..1]" : x.Name;
        var dropout = p.Chance(0.4) ? $", p: {p.Pick(new[] { "0.1", "0.25" })}" : "";
        var call = p.Pick(4) switch
        {
            0 => $"functional.scaled_dot_product_attention({x.Name}, {shared}, {shared}, is_casual: true{dropout})",
            1 when p.Chance(0.3) => $"functional.scaled_dot_product_attention({x.Name}, {shared}, {shared}, "
                + $"{p.Field("Tensor", p.Chance(0.5) ? $"torch.zeros(1, {t})" : $"torch.ones({t}, 1, dtype: ScalarType.Bool)")}{dropout})",
            1 => $"functional.scaled_dot_product_attention({x.Name}, {shared}.relu(), {shared}, attn_mask: "
                + $"{p.Field("Tensor", $"torch.ones({t + 2}, {t + 2}, dtype: ScalarType.Bool).tril()")}[..{t}, ..{t}]{dropout})",
            _ => $"functional.scaled_dot_product_attention({x.Name}.tanh(), {shared}, {shared}, "
                + $"{p.Field("Tensor", $"torch.zeros({t}, {t})")}{dropout})",
        };
        p.Emit("attention", call, x.Shape);
        return true;
    }

    /// <summary>Grouped-query attention's key and value heads repeated: repeat_interleave along a feature axis.</summary>
    private static bool RepeatInterleave(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.FeatureAxes.Count == 0 || x.Features > 1024) return false;
        var axis = p.Pick(x.FeatureAxes);
        var repeats = p.Pick(new[] { 1, 2, 3 });
        var dim = p.Chance(0.5) ? axis : axis - x.Rank;
        p.Emit("view", $"{x.Name}.repeat_interleave({repeats}, {dim})", x.Shape.Select((d, i) => i == axis ? d * repeats : d).ToArray());
        return true;
    }

    /// <summary>repeat: 1 or 2 along each feature axis, 1 along the batch, and sometimes a new leading dimension.</summary>
    private static bool Repeat(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.Features > 1024 || x.Rank > 4) return false;
        var repeats = x.Shape.Select(d => d == Batch ? 1L : p.Pick(new long[] { 1, 2 })).ToList();
        var shape = x.Shape.Select((d, i) => d == Batch ? d : d * repeats[i]).ToList();
        if (p.Chance(0.2))
        {
            repeats.Insert(0, 2);
            shape.Insert(0, 2);
        }
        p.Emit("view", $"{x.Name}.repeat({string.Join(", ", repeats)})", shape.ToArray());
        return true;
    }

    /// <summary>
    /// torch.einsum: a projection of the last dimension by a parameter ("abc,zc->abz", or two: "abc,zc,yz->aby"), the
    /// current tensor's gram matrix over its last two dimensions ("abc,adc->abd", attention's scores), or one operand's
    /// last dimension summed ("abc->ab"); the leading labels an ellipsis at times.
    /// </summary>
    private static bool Einsum(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.Rank < 2 || x.Rank > 4 || x.Shape[^1] == Batch || x.Features > 2048) return false;
        var labels = "abcd"[..x.Rank];
        var last = labels[^1];
        // The leading labels as an ellipsis at times ("...c,zc->...z"), as attention code writes them.
        var lead = p.Chance(0.3) ? "..." : null;
        if (p.Chance(0.2))
        {
            // One operand: the last dimension summed away.
            p.Emit("reduction", $"torch.einsum(\"{lead ?? labels[..^1]}{last}->{lead ?? labels[..^1]}\", {x.Name})", x.Shape[..^1].ToArray());
            return true;
        }
        if (p.Chance(0.5) || x.Shape[^2] == Batch || x.Rank < 3)
        {
            var output = p.Pick(new long[] { 4, 8, 12 });
            var weight = p.Field("Parameter", $"Parameter(torch.randn({output}, {x.Shape[^1]}))");
            var kept = lead ?? labels[..^1];
            if (p.Chance(0.25))
            {
                // Two projections in one einsum (three operands, contracted left to right).
                var second = p.Pick(new long[] { 4, 8 });
                var next = p.Field("Parameter", $"Parameter(torch.randn({second}, {output}))");
                p.Emit("matmul", $"torch.einsum(\"{kept}{last},z{last},yz->{kept}y\", {x.Name}, {weight}, {next})",
                    x.Shape[..^1].Append(second).ToArray());
                return true;
            }
            p.Emit("matmul", $"torch.einsum(\"{kept}{last},z{last}->{kept}z\", {x.Name}, {weight})", x.Shape[..^1].Append(output).ToArray());
            return true;
        }
        var prefix = lead ?? labels[..^2];
        p.Emit("matmul", $"torch.einsum(\"{prefix}i{last},{prefix}j{last}->{prefix}ij\", {x.Name}, {x.Name})",
            x.Shape[..^1].Append(x.Shape[^2]).ToArray());
        return true;
    }

    /// <summary>torch.outer of two 1-d tensors made from the current one (a feature row and the batch column).</summary>
    private static bool Outer(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.FeatureAxes.Count == 0 || x.Rank > 3) return false;
        var axis = p.Pick(x.FeatureAxes);
        // Index every other axis at 0 to leave one dimension: the batch's column and a feature axis's row.
        string Line(int keep) => $"{x.Name}[{string.Join(", ", Enumerable.Range(0, x.Rank).Select(i => i == keep ? ".." : "0"))}]";
        var outer = p.Chance(0.5)
            ? $"torch.outer({Line(x.BatchAxis)}, {Line(axis)})"
            : $"{Line(x.BatchAxis)}.outer({Line(axis)})";
        p.Emit("matmul", outer, new[] { Batch, x.Shape[axis] });
        return true;
    }

    /// <summary>
    /// split, chunk or unbind along a feature axis, then the parts used as attention code uses them: each in an elementwise
    /// product or sum, or only some of them (backward then fills zeros for the others).
    /// </summary>
    private static bool Split(ProgramBuilder p)
    {
        var x = p.Current;
        var axes = x.FeatureAxes.Where(a => x.Shape[a] >= 2).ToList();
        if (axes.Count == 0) return false;
        var axis = p.Pick(axes);
        var size = x.Shape[axis];
        var dim = p.Chance(0.5) ? axis : axis - x.Rank;
        string call;
        long[] part;
        int parts;
        switch (p.Pick(3))
        {
            case 0 when size % 2 == 0:
                call = p.Chance(0.5) ? $"{x.Name}.split({size / 2}, {dim})" : $"{x.Name}.chunk(2, {dim})";
                parts = 2;
                part = x.Shape.Select((d, i) => i == axis ? size / 2 : d).ToArray();
                break;
            case 1 when size <= 6:
                call = $"{x.Name}.unbind({dim})";
                parts = (int)size;
                part = x.Shape.Where((_, i) => i != axis).ToArray();
                if (!part.Contains(Batch)) return false;
                break;
            default:
                // Unequal sizes: the first part one long, the rest the other.
                call = $"{x.Name}.split(new long[] {{ 1, {size - 1} }}, {dim})";
                parts = 2;
                part = x.Shape.Select((d, i) => i == axis ? 1 : d).ToArray();
                if (size - 1 != 1)
                {
                    var list = p.Emit("split", call, x.Shape);
                    p.Tensors.Remove(list);
                    p.Emit("split", $"{list.Name}[0] * {list.Name}[1].sum(new long[] {{ {axis} }}, keepdim: true)", part);
                    return true;
                }
                break;
        }
        var tensors = p.Emit("split", call, x.Shape);
        p.Tensors.Remove(tensors);
        var used = p.Chance(0.3) ? new[] { 0 } : Enumerable.Range(0, parts).ToArray();
        var expression = string.Join(p.Pick(new[] { " * ", " + " }), used.Select(i => $"{tensors.Name}[{i}]"));
        p.Emit("split", used.Length == 1 ? $"{expression}.relu()" : expression, part);
        return true;
    }

    /// <summary>
    /// masked_fill with a Bool mask as attention code makes one: a comparison of x itself, or of a causal tril buffer over
    /// the last two dimensions, indexed with C# ranges (broadcast over the rest).
    /// </summary>
    private static bool MaskedFill(ProgramBuilder p)
    {
        var x = p.Current;
        var value = p.Pick(new[] { "0.0", "float.NegativeInfinity", "-1e9", "1" });
        if (value == "float.NegativeInfinity" && p.Chance(0.7)) value = "-1e4";
        // After native attention too: NaN parameters change its in-projection (see NativeAttention).
        if (value == "float.NegativeInfinity" && p.Families.Contains("native attention")) value = "-1e9";
        if (x.Rank >= 2 && x.Shape[^1] != Batch && x.Shape[^2] != Batch && p.Chance(0.6))
        {
            long rows = x.Shape[^2], columns = x.Shape[^1];
            var extra = p.Pick(new[] { 0L, 2L });
            var compare = p.Pick(new[] { " == 0", ".eq(0)", " < 0.5", " != 1" });
            // The mask as a buffer cut by ranges, or made in forward on each call (tril or triu of a new tensor).
            var mask = p.Chance(0.3)
                ? $"torch.ones({rows}, {columns}).{p.Pick(new[] { "tril()", "triu(1)" })}"
                : $"{p.Field("Tensor", $"torch.tril(torch.ones({rows + extra}, {columns + extra}))")}[..{rows}, ..{columns}]";
            p.Emit("mask", $"{x.Name}.masked_fill({mask}{compare}, {value})", x.Shape);
            return true;
        }
        var test = p.Pick(new[] { $"{x.Name} > 0", $"{x.Name}.lt(0.25)", $"{x.Name} <= {x.Name}.relu()", $"0.5 >= {x.Name}" });
        if (p.Chance(0.35))
        {
            // where: the other value the same tensor's function, or a trainable row broadcast over it.
            var features = x.Shape[^1];
            var other = features != Batch && p.Chance(0.5)
                ? p.Field("Parameter", $"Parameter(torch.randn({features}))")
                : $"{x.Name}.tanh()";
            p.Emit("mask", p.Chance(0.5) ? $"torch.where({test}, {x.Name}, {other})" : $"{x.Name}.where({test}, {other})", x.Shape);
            return true;
        }
        p.Emit("mask", $"{x.Name}.masked_fill({test}, {value})", x.Shape);
        return true;
    }

    /// <summary>
    /// Positions from arange added to x over its last dimension: in x's dtype (given, or converted by to_type or type_as), or
    /// Int64 promoted by the add.
    /// </summary>
    private static bool Arange(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.Shape[^1] == Batch) return false;
        var n = x.Shape[^1];
        var range = p.Pick(new[]
        {
            $"torch.arange(0, {n}, dtype: ScalarType.Float32)", $"torch.arange({n})", $"torch.arange(0, {2 * n}, 2)",
            "torch.arange(0.0, " + (n / 2.0).ToString("0.0###", CultureInfo.InvariantCulture) + ", 0.5)",
            $"torch.arange({n}).to_type(ScalarType.Float32)", $"torch.arange({n}).type_as({x.Name})",
        });
        p.Emit("arange", $"{x.Name} {p.Pick(new[] { "+", "*" })} {range}", x.Shape);
        return true;
    }

    /// <summary>
    /// A new tensor of x's size, layout and dtype (or a Bool one) from a *_like factory, combined with x: noise as a VAE's
    /// reparameterisation draws it, a mask, a constant; on the tensor or through torch.
    /// </summary>
    private static bool LikeFactory(ProgramBuilder p)
    {
        var x = p.Current;
        var n = x.Name;
        p.Emit("like", p.Pick(new[]
        {
            $"{n} + {n}.sigmoid() * torch.randn_like({n})", $"{n} * {n}.rand_like()", $"{n} * (torch.rand_like({n}) > 0.5)",
            $"{n} - torch.ones_like({n})", $"{n} + {n}.zeros_like()", $"torch.full_like({n}, 0.5) * {n}",
            $"{n}.masked_fill(torch.zeros_like({n}, dtype: ScalarType.Bool), 0.0)",
        }), x.Shape);
        return true;
    }

    /// <summary>
    /// A tensor field RegisterComponents makes a buffer, in the dtype its factory gives: torch.tensor's follows the data's
    /// C# type. Forward does not use it; the Buffers row and every peak count it.
    /// </summary>
    private static bool Buffer(ProgramBuilder p)
    {
        var count = p.Pick(new[] { 1, 3, 7 });
        string Data(string type, Func<int, string> item) =>
            $"torch.tensor(new {type}[] {{ {string.Join(", ", Enumerable.Range(0, count).Select(item))} }})";
        var initializer = p.Pick(new Func<string>[]
        {
            () => Data("long", i => $"{i}L"),
            () => Data("int", i => $"{i}"),
            () => Data("double", i => $"{i}.5"),
            () => Data("float", i => $"{i}.5f"),
            () => Data("bool", i => i % 2 == 0 ? "true" : "false"),
            () => Data("byte", i => $"{i}"),
            () => "torch.tensor(3L)",
            () => $"torch.zeros({count}, dtype: ScalarType.Float16)",
            () => $"torch.ones({count}, dtype: ScalarType.Int32)",
            // Computed in the constructor by forward's op rules (a rotary table's pieces, a view, a part of a chunk).
            () => $"torch.outer(torch.arange({count}).to(ScalarType.Float32), torch.ones(3))",
            () => $"torch.cat(new[] {{ torch.ones({count}), torch.zeros({count}) }}, 0)",
            () => $"torch.ones({count}, 4).cumsum(1)",
            () => $"(torch.arange({count}) * 2).to(ScalarType.Float64)",
            () => $"torch.randn(2, {count}).chunk(2, 0)[0].contiguous()",
            () => $"torch.pow(10000.0, torch.arange(0, {2 * count}, 2).to(ScalarType.Float32) / {2 * count})",
            () => $"torch.ones({count}, 2).t()",
            () => $"torch.einsum(\"i,j->ij\", torch.ones({count}), torch.arange(2).to(ScalarType.Float32))",
        })();
        p.Field("Tensor", initializer);
        p.Families.Add("buffer");
        return true;
    }

    /// <summary>Ends with the batch first (the head flattens the rest).</summary>
    public static void Finish(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.BatchAxis != 0) p.Emit("view", $"{x.Name}.transpose(0, {x.BatchAxis})", Swap(x.Shape, 0, x.BatchAxis));
    }

    private static bool Linear(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.Shape[^1] == Batch) return false;
        var output = p.Pick(new long[] { 5, 8, 12, 16, 24, 32 });
        var bias = p.Chance(0.8) ? "" : ", hasBias: false";
        var shape = x.Shape[..^1].Append(output).ToArray();
        // functional.linear on a layer's own weights, or on a Parameter of the module: what Linear.forward runs.
        switch (p.Pick(new[] { "module", "module", "module", "weights", "parameter" }))
        {
            case "weights":
                var owner = p.Field("Linear", $"Linear({x.Shape[^1]}, {output}{bias})");
                p.Emit("linear", $"functional.linear({x.Name}, {owner}.weight, {owner}.bias)", shape);
                break;
            case "parameter":
                var weight = p.Field("Parameter", $"Parameter(torch.randn({output}, {x.Shape[^1]}))");
                p.Emit("linear", $"functional.linear({x.Name}, {weight})", shape);
                break;
            default:
                var layer = p.Field("Module<Tensor, Tensor>", $"Linear({x.Shape[^1]}, {output}{bias})");
                p.Emit("linear", $"{layer}.forward({x.Name})", shape);
                break;
        }
        return true;
    }

    private static bool UnaryMethod(ProgramBuilder p)
    {
        var x = p.Current;
        var method = p.Pick(new[] { "relu()", "sigmoid()", "tanh()", "exp()", "abs()", "neg()", "square()", "pow(2)", "sqrt()", "log()",
            "rsqrt()", "silu()", "-", "clamp(-0.5, 0.5)", "clamp_min(0.1)", "clamp_max(0.2)" });
        // After native attention an infinity would make the next steps' parameters NaN, which changes its in-projection.
        if (method is "log()" or "rsqrt()" && p.Families.Contains("native attention")) method = "sigmoid()";
        var receiver = method is "sqrt()" or "log()" or "rsqrt()" ? $"{x.Name}.abs()" : x.Name;
        p.Emit("pointwise", method == "-" ? $"-{x.Name}" : $"{receiver}.{method}", x.Shape);
        return true;
    }

    private static bool FunctionalActivation(ProgramBuilder p)
    {
        var x = p.Current;
        var call = p.Pick(new[] { "relu({0})", "gelu({0})", "silu({0})", "leaky_relu({0}, 0.1)", "elu({0}, 1.0)", "softplus({0})", "mish({0})",
            "hardswish({0})", "relu6({0})", "sigmoid({0})", "tanh({0})" });
        p.Emit("activation", "functional." + string.Format(CultureInfo.InvariantCulture, call, x.Name), x.Shape);
        return true;
    }

    private static bool ActivationModule(ProgramBuilder p)
    {
        var x = p.Current;
        var factory = p.Pick(new[] { "ReLU()", "GELU()", "SiLU()", "Tanh()", "Sigmoid()", "LeakyReLU(0.1)", "ELU()", "Softplus()",
            "Mish()", "Hardswish()", "ReLU6()", "Hardtanh()", "SELU()", "CELU()", "Hardsigmoid()", "LogSigmoid()", "Softsign()", "Tanhshrink()",
            "Identity()" });
        var layer = p.Field("Module<Tensor, Tensor>", factory);
        p.Emit("activation", $"{layer}.forward({x.Name})", x.Shape);
        return true;
    }

    private static bool Softmax(ProgramBuilder p)
    {
        var x = p.Current;
        var dim = p.Pick(x.Rank) - (p.Chance(0.5) ? x.Rank : 0);
        var call = p.Pick(new[] { $"functional.softmax({x.Name}, {dim})", $"functional.log_softmax({x.Name}, {dim})", $"{x.Name}.softmax({dim})",
            "softmin" });
        // Softmin is a module only: softmax(-x), an op chain in TorchSharp.
        if (call == "softmin") call = $"{p.Field("Module<Tensor, Tensor>", $"Softmin({dim})")}.forward({x.Name})";
        p.Emit("softmax", call, x.Shape);
        return true;
    }

    /// <summary>
    /// x op y, y broadcastable to x: an earlier tensor of the same shape, a reduction of x, or a parameter over its trailing dimensions.
    /// </summary>
    private static bool Binary(ProgramBuilder p)
    {
        var x = p.Current;
        var op = p.Pick(new[] { "+", "-", "*", "/" });
        var same = p.Tensors.Where(t => t != x && t.Shape.SequenceEqual(x.Shape)).ToList();
        string other;
        switch (p.Pick(3))
        {
            case 0 when same.Count > 0:
                other = p.Pick(same).Name;
                break;
            case 1 when x.FeatureAxes.Count > 0:
                var axis = p.Pick(x.FeatureAxes);
                other = $"{x.Name}.mean(new long[] {{ {axis} }}, keepdim: true)";
                break;
            default:
                var trailing = x.Shape.Reverse().TakeWhile(d => d != Batch).Reverse().ToArray();
                if (trailing.Length == 0) return false;
                var kept = trailing.Skip(p.Pick(trailing.Length)).Select(d => p.Chance(0.3) ? 1 : d).ToArray();
                if (kept.Length == 0) kept = new[] { trailing[^1] };
                // torch.randn takes up to four sizes as arguments; an array takes any rank.
                other = p.Field("Parameter", $"Parameter(torch.randn(new long[] {{ {string.Join(", ", kept)} }}))");
                break;
        }
        var (left, right) = p.Chance(0.2) ? (other, x.Name) : (x.Name, other);
        if (op == "/") right = $"({right}).abs().add(1.0)";
        p.Emit("broadcast", $"{left} {op} {right}", x.Shape);
        return true;
    }

    private static bool ScalarArithmetic(ProgramBuilder p)
    {
        var x = p.Current;
        p.Emit("broadcast",
            p.Pick(new[] { $"{x.Name} * 0.5", $"{x.Name} + 1.0", $"{x.Name} / 3.0", $"{x.Name}.mul(2.0)", $"{x.Name}.sub(0.25)" }), x.Shape);
        return true;
    }

    private static bool Transpose(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.Rank < 2) return false;
        var a = p.Pick(x.Rank);
        var b = (a + 1 + p.Pick(x.Rank - 1)) % x.Rank;
        var form = x.Rank == 2 && p.Chance(0.3) ? $"{x.Name}.t()"
            : a >= x.Rank - 2 && b >= x.Rank - 2 && p.Chance(0.3) ? $"{x.Name}.mT"
            : $"{x.Name}.transpose({a}, {b})";
        p.Emit("view", form, Swap(x.Shape, a, b));
        return true;
    }

    private static bool Permute(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.Rank < 3) return false;
        var order = Enumerable.Range(0, x.Rank).OrderBy(_ => p.Random.Next()).ToArray();
        p.Emit("view", $"{x.Name}.permute({string.Join(", ", order)})", order.Select(i => x.Shape[i]).ToArray());
        return true;
    }

    /// <summary>view or reshape: merges two neighbouring feature dimensions or splits one; the batch stays a dimension of its own.</summary>
    private static bool Reshape(ProgramBuilder p)
    {
        var x = p.Current;
        var shape = x.Shape.ToList();
        var merges = Enumerable.Range(0, x.Rank - 1).Where(i => shape[i] != Batch && shape[i + 1] != Batch).ToList();
        var splits = Enumerable.Range(0, x.Rank).Where(i => shape[i] != Batch && Divisors(shape[i]).Count > 0).ToList();
        if (merges.Count > 0 && (splits.Count == 0 || p.Chance(0.5)))
        {
            var at = p.Pick(merges);
            shape[at] *= shape[at + 1];
            shape.RemoveAt(at + 1);
        }
        else if (splits.Count > 0 && x.Rank < 5)
        {
            var at = p.Pick(splits);
            var factor = p.Pick(Divisors(shape[at]));
            shape[at] /= factor;
            shape.Insert(at + 1, factor);
        }
        else
        {
            return false;
        }
        var method = p.Chance(0.5) ? "view" : "reshape";
        // One dimension may be left for TorchSharp to infer.
        var written = shape.Select(Size).ToArray();
        var inferred = Enumerable.Range(0, shape.Count).Where(i => shape[i] != Batch).ToList();
        if (inferred.Count > 0 && p.Chance(0.4)) written[p.Pick(inferred)] = "-1";
        p.Emit("view", $"{x.Name}.{method}({string.Join(", ", written)})", shape);
        return true;
    }

    private static bool UnsqueezeSqueeze(ProgramBuilder p)
    {
        var x = p.Current;
        var ones = Enumerable.Range(0, x.Rank).Where(i => x.Shape[i] == 1).ToList();
        if (ones.Count > 0 && p.Chance(0.5))
        {
            var axis = p.Pick(ones);
            p.Emit("view", $"{x.Name}.squeeze({axis})", x.Shape.Where((_, i) => i != axis).ToArray());
            return true;
        }
        if (x.Rank >= 5) return false;
        var at = p.Pick(x.Rank + 1);
        var shape = x.Shape.ToList();
        shape.Insert(at, 1);
        p.Emit("view", $"{x.Name}.unsqueeze({at})", shape);
        return true;
    }

    private static bool Flatten(ProgramBuilder p)
    {
        var x = p.Current;
        var runs = Enumerable.Range(0, x.Rank - 1).Where(i => x.Shape[i] != Batch && x.Shape[i + 1] != Batch).ToList();
        if (runs.Count == 0) return false;
        var start = p.Pick(runs);
        var end = start + 1;
        while (end + 1 < x.Rank && x.Shape[end + 1] != Batch && p.Chance(0.5)) end++;
        var merged = x.Shape[start..(end + 1)].Aggregate(1L, (a, d) => a * d);
        var shape = x.Shape[..start].Append(merged).Concat(x.Shape[(end + 1)..]).ToArray();
        p.Emit("view", $"{x.Name}.flatten({start}, {end})", shape);
        return true;
    }

    private static bool Contiguous(ProgramBuilder p)
    {
        var x = p.Current;
        p.Emit("view", $"{x.Name}.contiguous()", x.Shape);
        return true;
    }

    /// <summary>expand a size-1 feature dimension (often one just made by unsqueeze), then a pointwise op or a copy.</summary>
    private static bool Expand(ProgramBuilder p)
    {
        var x = p.Current;
        var ones = Enumerable.Range(0, x.Rank).Where(i => x.Shape[i] == 1).ToList();
        if (ones.Count == 0 || x.Features > 512) return false;
        var axis = p.Pick(ones);
        var size = p.Pick(new long[] { 2, 3, 4 });
        var shape = x.Shape.ToArray();
        shape[axis] = size;
        var sizes = x.Shape.Select((d, i) => i == axis ? size.ToString(CultureInfo.InvariantCulture) : p.Chance(0.5) ? "-1" : Size(d));
        var expanded = p.Emit("view", $"{x.Name}.expand({string.Join(", ", sizes)})", shape);
        if (p.Chance(0.5)) p.Emit("view", $"{expanded.Name}.contiguous()", shape);
        return true;
    }

    /// <summary>tensor[...] with Colon, Slice (with a step), a single index, None and Ellipsis, on feature dimensions.</summary>
    private static bool Index(ProgramBuilder p)
    {
        var x = p.Current;
        // select(dim, i): one integer index along a feature axis (the [CLS] token's x.select(1, 0)).
        var selectable = x.FeatureAxes.Where(a => x.Rank > 1 && x.Shape[a] > 1).ToList();
        if (selectable.Count > 0 && p.Chance(0.2))
        {
            var along = p.Pick(selectable);
            var dim = p.Chance(0.5) ? along : along - x.Rank;
            p.Emit("index", $"{x.Name}.select({dim}, {p.Pick(checked((int)x.Shape[along]))})", x.Shape.Where((_, i) => i != along).ToArray());
            return true;
        }
        // narrow(dim, start, length): ATen's slice, recorded even over the whole dimension; a negative start from the end.
        var narrowable = x.FeatureAxes.Where(a => x.Shape[a] > 0).ToList();
        if (narrowable.Count > 0 && p.Chance(0.2))
        {
            var along = p.Pick(narrowable);
            var size = checked((int)x.Shape[along]);
            var length = p.Chance(0.25) ? size : p.Pick(size) + 1;
            var start = p.Pick(size - length + 1);
            var written = p.Chance(0.3) ? start - size : start;
            var narrowed = x.Shape.ToArray();
            narrowed[along] = length;
            p.Emit("index", $"{x.Name}.narrow({(p.Chance(0.5) ? along : along - x.Rank)}, {written}, {length})", narrowed);
            return true;
        }
        // index_select(dim, arange(...)) and gather(dim, zeros(...)): new tensors that keep their Int64 index.
        if (narrowable.Count > 0 && p.Chance(0.2))
        {
            var along = p.Pick(narrowable);
            var size = checked((int)x.Shape[along]);
            var selected = x.Shape.ToArray();
            if (p.Chance(0.6))
            {
                var step = p.Pick(3) + 1;
                var start = p.Pick(Math.Min(step, size));
                selected[along] = (size - start + step - 1) / step;
                p.Emit("index", $"{x.Name}.index_select({along}, torch.arange({start}, {size}, {step}))", selected);
            }
            else
            {
                selected[along] = p.Pick(size) + 1;
                var index = $"torch.zeros(new long[] {{ {string.Join(", ", selected.Select(ProgramBuilder.Size))} }}, dtype: ScalarType.Int64)";
                p.Emit("index", $"{x.Name}.gather({along - x.Rank}, {index})", selected);
            }
            return true;
        }
        var indices = new List<string>();
        var shape = new List<long>();
        var axis = 0;
        var useEllipsis = p.Chance(0.3);
        var touched = p.Pick(x.Rank) + 1;
        for (; axis < touched; axis++)
        {
            var size = x.Shape[axis];
            if (p.Chance(0.15))
            {
                indices.Add("TensorIndex.None");
                shape.Add(1);
            }
            if (size == Batch || p.Chance(0.3))
            {
                indices.Add("TensorIndex.Colon");
                shape.Add(size);
            }
            else if (size > 1 && p.Chance(0.25) && x.Rank > 1 && shape.Count + (x.Rank - axis - 1) > 0)
            {
                indices.Add(p.Pick(checked((int)size)).ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                var start = p.Pick(checked((int)Math.Max(1, size - 1)));
                var stop = start + 1 + p.Pick(checked((int)(size - start)));
                var step = p.Chance(0.3) ? 2 : 1;
                indices.Add($"TensorIndex.Slice({start}, {stop}{(step == 1 ? "" : ", " + step)})");
                shape.Add((stop - start + step - 1) / step);
            }
        }
        if (useEllipsis && axis < x.Rank) indices.Add("TensorIndex.Ellipsis");
        shape.AddRange(x.Shape[axis..]);
        if (!shape.Contains(Batch) || shape.Count == 0) return false;
        p.Emit("index", $"{x.Name}[{string.Join(", ", indices.Select(i => i.All(char.IsDigit) ? $"TensorIndex.Single({i})" : i))}]", shape);
        return true;
    }

    /// <summary>matmul on every operand layout: with its own transpose (attention scores), a parameter on either side, two activations.</summary>
    private static bool Matmul(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.Rank < 2 || x.Shape[^1] == Batch || x.Shape[^2] == Batch || x.Features > 2048) return false;
        long n = x.Shape[^2], m = x.Shape[^1];
        var lead = x.Shape[..^2];
        switch (p.Pick(5))
        {
            case 0:
                p.Emit("matmul", $"{x.Name}.matmul({x.Name}.transpose(-2, -1))", lead.Append(n).Append(n).ToArray());
                return true;
            case 1:
                p.Emit("matmul", $"{x.Name}.transpose(-2, -1).matmul({x.Name})", lead.Append(m).Append(m).ToArray());
                return true;
            case 2:
                var k = p.Pick(new long[] { 2, 4, 7 });
                var right = p.Field("Parameter", $"Parameter(torch.randn({m}, {k}))");
                p.Emit("matmul", x.Rank == 2 && p.Chance(0.5) ? $"{x.Name}.mm({right})" : $"torch.matmul({x.Name}, {right})",
                    lead.Append(n).Append(k).ToArray());
                return true;
            case 3:
                var rows = p.Pick(new long[] { 2, 3, 6 });
                var left = p.Field("Parameter", $"Parameter(torch.randn({rows}, {n}))");
                p.Emit("matmul", $"{left}.matmul({x.Name})", lead.Append(rows).Append(m).ToArray());
                return true;
            default:
                var other = p.Tensors.LastOrDefault(t => t != x && t.Rank >= 2 && t.Shape[^2] == m && t.Shape[^1] != Batch && t.Shape[^2] != Batch
                    && Broadcasts(lead, t.Shape[..^2]));
                if (other is null) return false;
                var batch = BroadcastShape(lead, other.Shape[..^2]);
                if (x.Rank == 3 && other.Rank == 3 && p.Chance(0.5) && lead.SequenceEqual(other.Shape[..^2]))
                {
                    p.Emit("matmul", $"{x.Name}.bmm({other.Name})", batch.Append(n).Append(other.Shape[^1]).ToArray());
                    return true;
                }
                p.Emit("matmul", $"{x.Name}.matmul({other.Name})", batch.Append(n).Append(other.Shape[^1]).ToArray());
                return true;
        }
    }

    private static bool Reduction(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.FeatureAxes.Count == 0) return false;
        var axis = p.Pick(x.FeatureAxes);
        // cumsum along a feature axis: the input's shape, and backward's three tensors of it.
        if (p.Chance(0.15))
        {
            p.Emit("reduction", $"{(p.Chance(0.5) ? $"{x.Name}.cumsum({axis})" : $"torch.cumsum({x.Name}, {axis - x.Rank})")}", x.Shape.ToArray());
            return true;
        }
        var keep = p.Chance(0.5);
        var method = p.Pick(new[] { "mean", "sum", "amax", "amin" });
        var shape = keep ? x.Shape.Select((d, i) => i == axis ? 1 : d).ToArray() : x.Shape.Where((_, i) => i != axis).ToArray();
        if (shape.Length == 1 && !keep) return false;
        // var and std over a dimension of more than one (over one, the unbiased figure divides by zero).
        if (x.Shape[axis] > 1 && p.Chance(0.3))
        {
            var dims = p.Chance(0.5) ? axis.ToString(CultureInfo.InvariantCulture) : $"new long[] {{ {axis} }}";
            p.Emit("reduction", $"{x.Name}.{p.Pick(new[] { "var", "std" })}({dims}, unbiased: {(p.Chance(0.5) ? "true" : "false")}, " +
                $"keepdim: {(keep ? "true" : "false")})", shape);
            return true;
        }
        p.Emit("reduction", $"{x.Name}.{method}(new long[] {{ {axis} }}, keepdim: {(keep ? "true" : "false")})", shape);
        return true;
    }

    private static bool Concatenate(ProgramBuilder p)
    {
        var x = p.Current;
        var partners = p.Tensors.Where(t => t != x && t.Shape.SequenceEqual(x.Shape)).ToList();
        var other = partners.Count > 0 && p.Chance(0.6) ? p.Pick(partners).Name : $"{x.Name}.relu()";
        if (p.Chance(0.5) && x.FeatureAxes.Count > 0)
        {
            var axis = p.Pick(x.FeatureAxes);
            p.Emit("cat", $"torch.cat(new[] {{ {x.Name}, {other} }}, {axis})", x.Shape.Select((d, i) => i == axis ? 2 * d : d).ToArray());
            return true;
        }
        if (x.Rank >= 5) return false;
        var at = 1 + p.Pick(x.Rank);
        var shape = x.Shape.ToList();
        shape.Insert(at, 2);
        p.Emit("cat", $"torch.stack(new[] {{ {x.Name}, {other} }}, {at})", shape);
        return true;
    }

    private static bool Dropout(ProgramBuilder p)
    {
        var x = p.Current;
        var rate = p.Pick(new[] { "0.2", "0.5" });
        switch (p.Pick(4))
        {
            case 0:
                p.Emit("dropout", $"functional.dropout({x.Name}, {rate})", x.Shape);
                return true;
            case 1:
                var alpha = p.Field("Module<Tensor, Tensor>", $"AlphaDropout({rate})");
                p.Emit("dropout", $"{alpha}.forward({x.Name})", x.Shape);
                return true;
            default:
                var layer = p.Field("Module<Tensor, Tensor>", $"Dropout({rate})");
                p.Emit("dropout", $"{layer}.forward({x.Name})", x.Shape);
                return true;
        }
    }

    /// <summary>Dropout1d/2d/3d on their batched rank (batch first), sometimes on another rank (TBG008), and FeatureAlphaDropout.</summary>
    private static bool FeatureDropout(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.Rank < 2) return false;
        var rate = p.Pick(new[] { "0.2", "0.5" });
        if (p.Chance(0.25))
        {
            var feature = p.Field("Module<Tensor, Tensor>", $"FeatureAlphaDropout({rate})");
            p.Emit("dropout", $"{feature}.forward({x.Name})", x.Shape);
            return true;
        }
        var spatial = x.Rank - 2;
        if (x.BatchAxis != 0 || spatial is < 1 or > 3)
        {
            if (x.Rank is < 2 or > 5 || x.Rank == 3) return false;
            // Dropout2d on a rank it treats as one unbatched sample.
            var misused = p.Field("Module<Tensor, Tensor>", $"Dropout2d({rate})");
            p.Emit("dropout", $"{misused}.forward({x.Name})", x.Shape);
            return true;
        }
        var layer = p.Field("Module<Tensor, Tensor>", $"Dropout{spatial}d({rate})");
        p.Emit("dropout", p.Chance(0.3) ? $"functional.dropout{spatial}d({x.Name}, {rate})" : $"{layer}.forward({x.Name})", x.Shape);
        return true;
    }

    /// <summary>LayerNorm over the last dimensions; BatchNorm, GroupNorm and InstanceNorm over [B, C, ...].</summary>
    private static bool Norm(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.Shape[^1] != Batch && (x.BatchAxis != 0 || x.Rank < 2 || p.Chance(0.4)))
        {
            var layer = p.Field("Module<Tensor, Tensor>", $"LayerNorm({x.Shape[^1]})");
            p.Emit("norm", $"{layer}.forward({x.Name})", x.Shape);
            return true;
        }
        if (x.BatchAxis != 0 || x.Rank < 2 || x.Rank > 5) return false;
        var channels = x.Shape[1];
        string factory;
        switch (p.Pick(3))
        {
            case 0 when x.Rank <= 5:
                factory = $"BatchNorm{Math.Max(1, x.Rank - 2)}d({channels})";
                // Training BatchNorm needs more than one value per channel: a batch of 1 with nothing else would throw.
                if (x.Shape.Skip(2).Aggregate(1L, (a, d) => a * d) == 1) p.NeedsBatchAbove1 = true;
                break;
            // Its uninitialized weights can make NaN gradients that reach an earlier native attention's weights through the
            // optimizer step, and the next step's attention then takes another in-projection (Fuzz30_00958, flaky).
            case 1 when x.Rank >= 3 && !p.Families.Contains("native attention"):
                var groups = Divisors(channels).Append(1L).Append(channels).Distinct().ToList();
                factory = $"GroupNorm({p.Pick(groups)}, {channels})";
                break;
            case 2 when x.Rank is 3 or 4 && x.Shape.Skip(2).Aggregate(1L, (a, d) => a * d) > 1:
                factory = $"InstanceNorm{x.Rank - 2}d({channels}{(p.Chance(0.5) ? ", affine: true" : "")})";
                break;
            default:
                return false;
        }
        var norm = p.Field("Module<Tensor, Tensor>", factory);
        // libtorch 2.10's GroupNorm backward segfaults on a channels-last input that needs no gradient (found by the
        // seed-102 soak, reproduced alone): GroupNorm gets a contiguous tensor, which takes the kernel that works.
        var input = factory.StartsWith("GroupNorm", StringComparison.Ordinal) ? $"{x.Name}.contiguous()" : x.Name;
        p.Emit("norm", $"{norm}.forward({input})", x.Shape);
        return true;
    }

    /// <summary>
    /// Conv1d over [B, C, L] and Conv2d over [B, C, H, W]: dense (1×1, 3×3, 5×5, 1×3, stride 1 or 2, with or without padding
    /// and bias), depthwise (groups = channels, 3×3 or 5×5) or transposed. Drawn less often than other ops: a wide input makes every
    /// program's step slower.
    /// </summary>
    private static bool Convolution(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.BatchAxis != 0 || x.Rank is not (3 or 4) || x.Shape[1..].Contains(Batch) || x.Features > 8192 || !p.Chance(0.6)) return false;
        var rank = x.Rank - 2;
        var channels = x.Shape[1];
        if (channels > 96) return false;
        if (p.Chance(0.25)) return TransposedConvolution(p, x);
        var depthwise = channels > 1 && p.Chance(0.4);
        var (kh, kw) = p.Pick(new[] { (1L, 1L), (3L, 3L), (3L, 3L), (5L, 5L), (1L, 3L) });
        if (rank == 1 || depthwise) kh = kw = depthwise ? p.Pick(new[] { 3L, 3L, 5L }) : kw;
        var stride = p.Chance(0.3) ? 2L : 1L;
        var (ph, pw) = p.Chance(0.7) ? (kh / 2, kw / 2) : (0L, 0L);
        var spatial = x.Shape[2..];
        var pads = rank == 1 ? new[] { pw } : new[] { ph, pw };
        var kernel = rank == 1 ? new[] { kw } : new[] { kh, kw };
        var output = spatial.Select((size, i) => (size + 2 * pads[i] - kernel[i]) / stride + 1).ToArray();
        if (output.Any(o => o < 1)) return false;
        var outChannels = depthwise ? channels : p.Pick(new long[] { 4, 8, 16, 24, 32 });
        var bias = p.Chance(0.7) ? "" : ", bias: false";
        var groups = depthwise ? $", groups: {channels}" : "";
        // TorchSharp takes a non-square kernel with its stride and padding as tuples.
        var square = rank == 1 || kh == kw;
        var kernelText = square ? $"{kw}" : $"({kh}L, {kw}L)";
        var strideText = square ? $"{stride}L" : $"({stride}L, {stride}L)";
        var padText = square ? $"{pw}L" : $"({ph}L, {pw}L)";
        var layer = p.Field("Module<Tensor, Tensor>",
            $"Conv{rank}d({channels}, {outChannels}, {kernelText}, stride: {strideText}, padding: {padText}{groups}{bias})");
        p.Emit("conv", $"{layer}.forward({x.Name})", new[] { x.Shape[0], outChannels }.Concat(output).ToArray());
        return true;
    }

    /// <summary>
    /// ConvTranspose1d/2d doubling the sizes (kernel 2 stride 2, or 4 stride 2 padding 1), or kernel 3 stride 1 padding 1
    /// (its peak unknown with a bias).
    /// </summary>
    private static bool TransposedConvolution(ProgramBuilder p, FuzzTensor x)
    {
        var (kernel, stride, padding) = p.Pick(new[] { (2L, 2L, 0L), (4L, 2L, 1L), (4L, 2L, 1L), (3L, 1L, 1L) });
        var output = x.Shape[2..].Select(size => (size - 1) * stride - 2 * padding + kernel).ToArray();
        if (output.Aggregate(1L, (a, o) => a * o) > 1024) return false;
        var outChannels = p.Pick(new long[] { 3, 4, 8, 16, 24 });
        var bias = p.Chance(0.7) ? "" : ", bias: false";
        var layer = p.Field("Module<Tensor, Tensor>",
            $"ConvTranspose{x.Rank - 2}d({x.Shape[1]}, {outChannels}, {kernel}, stride: {stride}L, padding: {padding}L{bias})");
        p.Emit("conv", $"{layer}.forward({x.Name})", new[] { x.Shape[0], outChannels }.Concat(output).ToArray());
        return true;
    }

    /// <summary>PixelShuffle(2) over [B, 4·C, H, W] or PixelUnshuffle(2) over even H and W, functional and as modules.</summary>
    private static bool PixelShuffle(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.BatchAxis != 0 || x.Rank != 4 || x.Shape[1..].Contains(Batch)) return false;
        var (c, h, w) = (x.Shape[1], x.Shape[2], x.Shape[3]);
        var shuffle = c % 4 == 0 && (h % 2 != 0 || w % 2 != 0 || p.Chance(0.5));
        if (!shuffle && (h % 2 != 0 || w % 2 != 0)) return false;
        var shape = shuffle ? new[] { x.Shape[0], c / 4, h * 2, w * 2 } : new[] { x.Shape[0], c * 4, h / 2, w / 2 };
        var name = shuffle ? "PixelShuffle" : "PixelUnshuffle";
        var function = shuffle ? "pixel_shuffle" : "pixel_unshuffle";
        var call = p.Chance(0.5)
            ? $"functional.{function}({x.Name}, 2)"
            : $"{p.Field("Module<Tensor, Tensor>", $"{name}(2)")}.forward({x.Name})";
        p.Emit("shuffle", call, shape);
        return true;
    }

    /// <summary>
    /// Upsample or interpolate over [B, C, H, W], nearest or bilinear, by 2 or to a size, sometimes wide enough (height plus
    /// width over 128) for ATen's generic kernel rather than the channels-last one.
    /// </summary>
    private static bool Upsample(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.BatchAxis != 0 || x.Rank != 4 || x.Shape[1..].Contains(Batch) || x.Features > 4096) return false;
        var mode = p.Pick(new[] { "Nearest", "Bilinear" });
        var (h, w) = p.Pick(new[] { (x.Shape[2] * 2, x.Shape[3] * 2), (x.Shape[2] + 3, x.Shape[3] + 1), (x.Shape[2] + 1, 130L) });
        var target = h == x.Shape[2] * 2 && w == x.Shape[3] * 2 ? "scale_factor: new double[] { 2, 2 }" : $"size: new long[] {{ {h}, {w} }}";
        var call = p.Chance(0.5)
            ? $"{p.Field("Module<Tensor, Tensor>", $"Upsample({target}, mode: UpsampleMode.{mode})")}.forward({x.Name})"
            : $"functional.interpolate({x.Name}, {target}, mode: InterpolationMode.{mode})";
        p.Emit("upsample", call, new[] { x.Shape[0], x.Shape[1], h, w });
        return true;
    }

    /// <summary>
    /// functional.pad: constant padding of the last one or two dimensions (a causal pad, a value), or reflect and replicate
    /// over every dimension after the first two of [B, C, L] and [B, C, H, W] (reflect smaller than the size it pads).
    /// </summary>
    private static bool FunctionalPad(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.Rank < 2 || x.Shape[^1] == Batch) return false;
        var spatial = x.BatchAxis == 0 && x.Rank is 3 or 4 && !x.Shape[2..].Contains(Batch);
        var mode = spatial ? p.Pick(new[] { "Constant", "Reflect", "Replicate" }) : "Constant";
        var dims = mode == "Constant" ? (x.Rank >= 3 && x.Shape[^2] != Batch && p.Chance(0.4) ? 2 : 1) : x.Rank - 2;
        var pads = new long[2 * dims];
        for (var i = 0; i < pads.Length; i++)
        {
            var size = x.Shape[x.Rank - 1 - i / 2];
            pads[i] = mode == "Reflect" ? Math.Min(p.Pick(new long[] { 0, 1, 2 }), size - 1) : p.Pick(new long[] { 0, 1, 2, 3 });
        }
        var shape = x.Shape.ToArray();
        for (var i = 0; i < dims; i++) shape[x.Rank - 1 - i] += pads[2 * i] + pads[2 * i + 1];
        var value = mode == "Constant" && p.Chance(0.3) ? ", value: 0.5" : "";
        var modeArgument = mode == "Constant" ? "" : $", PaddingModes.{mode}";
        p.Emit("pad", $"functional.pad({x.Name}, new long[] {{ {string.Join(", ", pads)} }}{modeArgument}{value})", shape);
        return true;
    }

    /// <summary>Pools over [B, C, L] and [B, C, H, W], functional and as modules.</summary>
    private static bool Pool(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.BatchAxis != 0 || x.Rank is not (3 or 4)) return false;
        var rank = x.Rank - 2;
        var spatial = x.Shape[2..];
        if (spatial.Any(d => d < 2)) return false;
        var shape = x.Shape[..2].Concat(spatial.Select(d => d / 2)).ToArray();
        var kind = p.Pick(new[] { "max", "avg", "adaptive" });
        string call;
        if (kind == "adaptive")
        {
            var size = rank == 1 ? $"{spatial[0] / 2}" : $"({spatial[0] / 2}, {spatial[1] / 2})";
            call = p.Chance(0.5)
                ? $"functional.adaptive_avg_pool{rank}d({x.Name}, {size})"
                : $"{p.Field("Module<Tensor, Tensor>", $"AdaptiveAvgPool{rank}d({size})")}.forward({x.Name})";
        }
        else
        {
            call = p.Chance(0.5)
                ? $"functional.{kind}_pool{rank}d({x.Name}, 2)"
                : $"{p.Field("Module<Tensor, Tensor>", $"{(kind == "max" ? "Max" : "Avg")}Pool{rank}d(2)")}.forward({x.Name})";
        }
        p.Emit("pool", call, shape);
        return true;
    }

    /// <summary>A Sequential of a Linear and an activation (it disposes its intermediate results).</summary>
    private static bool SequentialBlock(ProgramBuilder p)
    {
        var x = p.Current;
        if (x.Shape[^1] == Batch) return false;
        var width = p.Pick(new long[] { 6, 10, 16 });
        var activation = p.Pick(new[] { "ReLU()", "GELU()", "Tanh()", "Dropout(0.3)", "LayerNorm(" + width + ")" });
        var block = p.Field("Module<Tensor, Tensor>", $"Sequential(Linear({x.Shape[^1]}, {width}), {activation})");
        p.Emit("sequential", $"{block}.forward({x.Name})", x.Shape[..^1].Append(width).ToArray());
        return true;
    }

    private static long[] Swap(long[] shape, int a, int b)
    {
        var swapped = shape.ToArray();
        (swapped[a], swapped[b]) = (swapped[b], swapped[a]);
        return swapped;
    }

    private static List<long> Divisors(long size) =>
        Enumerable.Range(2, (int)Math.Max(0, Math.Min(size, 64) - 2)).Select(d => (long)d).Where(d => size % d == 0).ToList();

    private static bool Broadcasts(long[] a, long[] b) =>
        a.Reverse().Zip(b.Reverse(), (x, y) => x == y || x == 1 || y == 1).All(ok => ok)
            && !(a.Contains(Batch) && b.Contains(Batch) && Array.IndexOf(a, Batch) - a.Length != Array.IndexOf(b, Batch) - b.Length);

    private static long[] BroadcastShape(long[] a, long[] b)
    {
        var rank = Math.Max(a.Length, b.Length);
        var result = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            var x = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            var y = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            result[i] = x == 1 ? y : x;
        }
        return result;
    }
}

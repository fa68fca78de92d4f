using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.Operations;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// Renders docs/layers.md from <see cref="LayerRules.All"/>, so the published list of supported layers
/// cannot drift from the table the generator uses. A test compares the committed file with this output.
/// </summary>
internal static class LayerTableMarkdown
{
    private const string NoParameters = "no parameters";

    public static string Render()
    {
        var functionalOnly = LayerRules.All.Where(r => r.FunctionalOnly).OrderBy(r => r.Factory, StringComparer.Ordinal).ToList();
        var rules = LayerRules.All.Where(r => !r.FunctionalOnly)
            .OrderBy(r => r.Factory, StringComparer.OrdinalIgnoreCase)
            .ThenBy(r => r.Factory, StringComparer.Ordinal)
            .ToList();
        var withParameters = rules.Where(r => r.Summary != NoParameters).ToList();
        var parameterFree = rules.Where(r => r.Summary == NoParameters).Select(r => r.Factory).ToList();
        var losses = parameterFree.Where(f => f.EndsWith("Loss", StringComparison.Ordinal)).ToList();
        var otherFree = parameterFree.Except(losses).ToList();

        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');

        Line("# Supported TorchSharp layers");
        Line();
        Line("<!-- Generated from Generator/Layers/LayerRules.cs by LayerTableMarkdown. Do not edit by hand:");
        Line("     run `TORCHBUDGET_UPDATE_DOCS=1 dotnet test Tests/TorchBudget.Tests --filter FullyQualifiedName~Docs`. -->");
        Line();
        Line($"TorchBudget knows the {rules.Count} `torch.nn` factories below (`torch.nn.Linear(784, 128)`, or `Linear(784, 128)`");
        Line("with `using static TorchSharp.torch.nn;`). A layer that is not listed here is reported as");
        Line("[TBG004](diagnostics/TBG004.md) and its counts are left out of the report: TorchBudget never guesses.");
        Line();
        Line("\"Parameters\" are the tensors TorchSharp's `parameters()` returns for the layer, counted in elements, as");
        Line("`ParameterCount` counts them; buffers (`named_buffers()`, e.g. BatchNorm's running statistics) are listed");
        Line("too, but are not parameters. Names and shapes were measured on TorchSharp 0.107. `weight[out, in]` means a");
        Line("tensor named `weight` of shape out × in, with the sizes taken from the factory's arguments.");
        Line();
        Line($"## Layers with parameters, and containers ({withParameters.Count})");
        Line();
        Line("| Factory | Parameters and buffers |");
        Line("| --- | --- |");
        foreach (var rule in withParameters) Line($"| `{rule.Factory}` | {Escape(rule.Summary)} |");
        Line();
        Line($"## Layers without parameters ({otherFree.Count})");
        Line();
        Line("These register no parameters and no buffers, so they add nothing to `ParameterCount`:");
        Line();
        Line(CodeList(otherFree));
        Line();
        // Sequential is run child by child; the other containers and parameter lists are never called.
        var containers = new[] { "ModuleList", "ModuleDict", "ParameterList", "ParameterDict" };
        var followed = rules.Where(r => (r.Forward is not null && !r.ShapeOnly) || r.Factory == "Sequential")
            .Select(r => r.Factory).ToList();
        var shapeOnly = rules.Where(r => r.Forward is not null && r.ShapeOnly).Select(r => r.Factory).ToList();
        var notFollowed = rules.Where(r => r.Forward is null && r.Factory != "Sequential" && !containers.Contains(r.Factory)
                && !r.Factory.EndsWith("Loss", StringComparison.Ordinal))
            .Select(r => r.Factory).ToList();
        Line($"## Functional calls without a module ({functionalOnly.Count})");
        Line();
        Line("No `torch.nn` factory makes these; `functional.*` reaches them, and their rule is named as below:");
        Line();
        foreach (var rule in functionalOnly)
            Line($"- {string.Join(", ", rule.Functional.Select(f => $"`functional.{f}`"))} (rule `{rule.Factory}`; see memory-model.md)");
        Line();
        Line("These `functional.*` calls run a layer's own rule (the arguments named there are its parameters, given as tensors):");
        Line();
        foreach (var rule in rules.Where(r => r.Functional.Count > 0))
        {
            var given = rule.FunctionalParameters.Count == 0 ? ""
                : "; " + string.Join(", ", rule.FunctionalParameters.Select(f => $"`{f.Argument}` as its `{f.Parameter}`"));
            Line($"- {string.Join(", ", rule.Functional.Select(f => $"`functional.{f}`"))}: `{rule.Factory}`{given}");
        }
        Line();
        Line("## In forward: output shapes and activation memory");
        Line();
        Line("See [memory-model.md](memory-model.md). Output shape and what stays alive after forward (outputs, and what");
        Line($"autograd keeps for backward) are modeled for these {followed.Count}:");
        Line();
        Line(CodeList(followed));
        Line();
        Line("Float32 `Conv1d`/`Conv2d` run oneDNN on CPU: its blocked copies, scratchpads and reductions in forward and backward");
        Line("are modeled for AVX-512 CPUs (the report's Notes say so) with groups 1 or depthwise (3-wide kernels), and so are");
        Line("strided `ConvTranspose1d`/`ConvTranspose2d` and stride-1 ones without a bias; Float32 `Conv3d`, other groups, dilation,");
        Line("output_padding and the shapes memory-model.md lists were not measured. Outside Float32, convolutions run ATen's im2col");
        Line("path instead, modeled for Float64 `Conv1d`, `Conv2d`, `Conv3d`, `ConvTranspose1d` and `ConvTranspose2d` (groups 1, no");
        Line("dilation, zero padding). The cases not modeled get exact Activations and an unknown Peak, with a note that says why.");
        Line();
        Line("Recurrent layers are modeled only in the configurations measured so far; elsewhere their memory is unknown:");
        Line();
        foreach (var partly in LayerRules.PartlyModeled) Line($"- `{partly.Key}`: {partly.Value}.");
        Line();
        Line("Where modeled they put their ops on the autograd tape one by one (the cells: linear_ih, linear_hh and the gates;");
        Line("`GRU` and `LSTM`: one linear_ih over all steps, then per step linear_hh and the gates, the steps' h stacked), so");
        Line("their Peak is known: autograd sums each weight's gradients over the steps in an input buffer (the second step out");
        Line("of place, three [G·H, H] tensors at once, measured) before adding them to `.grad`.");
        Line();
        Line($"Output shape only; the memory they allocate inside is not modeled yet, so the table's Activations and Peak are unknown " +
            $"({shapeOnly.Count}):");
        Line();
        Line(CodeList(shapeOnly));
        Line();
        Line($"Not followed in forward yet: a model calling them gets no shapes after that point and TBG004 ({notFollowed.Count}):");
        Line();
        Line(CodeList(notFollowed));
        Line();
        Line($"## Loss modules ({losses.Count})");
        Line();
        Line("Loss modules register no parameters and no buffers either; a class weight passed to them is kept");
        Line("unregistered, so it is not counted:");
        Line();
        Line(CodeList(losses));
        Line();
        var ops = Ops.TensorOps.All.Where(o => o.Forms != Ops.TensorOpForms.Internal).ToList();
        Line($"## Tensor operations in forward ({ops.Count})");
        Line();
        Line("<!-- Generated from Generator/Ops/TensorOps.*.cs. -->");
        Line();
        Line("Tensor methods (each also as `torch.name(x, …)`), `torch.*` functions, properties, indexers and operators that");
        Line("forward may use. Any other tensor op makes the forward pass's shapes and memory unknown from that point (TBG004).");
        Line();
        Line("| Called as | Modeled |");
        Line("| --- | --- |");
        foreach (var op in ops) Line($"| {string.Join(", ", CallForms(op))} | {Escape(op.Summary)} |");
        return text.ToString();
    }

    private static IEnumerable<string> CallForms(Ops.TensorOpRule op)
    {
        foreach (var name in op.Names)
        {
            if (op.Forms.HasFlag(Ops.TensorOpForms.Method)) yield return $"`x.{name}(…)`";
            if (op.Forms.HasFlag(Ops.TensorOpForms.TorchFunction)) yield return $"`torch.{name}(…)`";
            if (op.Forms.HasFlag(Ops.TensorOpForms.Property)) yield return $"`x.{name}`";
        }
        if (op.Forms.HasFlag(Ops.TensorOpForms.Indexer)) yield return "`x[…]`";
        if (op.Operator is { } kind) yield return $"`x {Symbol(kind)} y`";
        if (op.UnaryOperator is UnaryOperatorKind.Minus) yield return "`-x`";
    }

    private static string Symbol(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.Add => "+",
        BinaryOperatorKind.Subtract => "-",
        BinaryOperatorKind.Multiply => "*",
        BinaryOperatorKind.Divide => "/",
        BinaryOperatorKind.Equals => "==",
        BinaryOperatorKind.NotEquals => "!=",
        BinaryOperatorKind.LessThan => "<",
        BinaryOperatorKind.LessThanOrEqual => "<=",
        BinaryOperatorKind.GreaterThan => ">",
        BinaryOperatorKind.GreaterThanOrEqual => ">=",
        var other => other.ToString(),
    };

    private static string CodeList(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"`{n}`")) + ".";

    /// <summary>Escapes what Markdown would read as table cells, emphasis or HTML; leaves intraword '_' readable.</summary>
    private static string Escape(string summary)
    {
        var escaped = new StringBuilder(summary.Length);
        for (var i = 0; i < summary.Length; i++)
        {
            var c = summary[i];
            var intraword = c == '_' && i > 0 && i + 1 < summary.Length
                && char.IsLetterOrDigit(summary[i - 1]) && char.IsLetterOrDigit(summary[i + 1]);
            if (c is '\\' or '|' or '*' or '<' or '>' or '`' || (c == '_' && !intraword)) escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.ToString();
    }
}

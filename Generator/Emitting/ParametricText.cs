using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using Scriban.Runtime;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Parametric;

namespace TorchBudget.Generator.Emitting;

/// <summary>A <see cref="ParametricSpec"/> as the C# expressions the template puts into ParameterCountFor/MemoryReportFor.</summary>
internal static class ParametricText
{
    public static ScriptObject Model(ParametricSpec spec, string modelName)
    {
        var names = spec.Parameters.Select(p => p.Name).ToArray();
        var profiledTest = string.Join(" && ", spec.Parameters.Select(p => $"{p.Name} == {Long(p.ProfiledValue)}"));
        var argumentsText = "global::System.FormattableString.Invariant($\""
            + string.Join(", ", spec.Parameters.Select(p => $"{p.Name.TrimStart('@')} = {{{p.Name}}}")) + "\")";
        var covered = CoveredSizes.Describe(spec.Paths, g => Guard(g, names, display: true), names);
        var paths = new List<ScriptObject>();
        foreach (var (path, index) in spec.Paths.Select((p, i) => (p, i)))
        {
            paths.Add(new ScriptObject
            {
                ["index"] = index,
                ["condition"] = path.Guards.Count == 0 ? null : string.Join(" && ", path.Guards.Select(g => Guard(g, names, display: false))),
                ["parameter_count"] = Expression(path.ParameterCount, names),
                ["trainable_parameter_count"] = Expression(path.TrainableParameterCount, names),
                ["buffer_elements"] = Expression(path.BufferElements, names),
                ["parameter_bytes"] = Expression(path.ParameterBytes, names),
                ["buffer_bytes"] = Expression(path.BufferBytes, names),
                ["gradient_bytes"] = Expression(path.GradientBytes, names),
                ["optimizer_state_bytes"] = Expression(path.OptimizerStateBytes, names),
                ["forward_condition"] = path.Activations is null ? "false"
                    : path.ForwardGuards.Count == 0 ? "true"
                    : string.Join(" && ", path.ForwardGuards.Select(g => Guard(g, names, display: false))),
                ["activations"] = path.Activations is { } a ? Formula(a, names) : "null",
                ["peak_condition"] = path.PeakLines is null ? "false"
                    : path.PeakGuards.Count == 0 ? "true"
                    : string.Join(" && ", path.PeakGuards.Select(g => Guard(g, names, display: false))),
                ["peak_lines"] = Formulas(path.PeakLines, names),
                ["activations_at_batch_one"] = path.ActivationsAtBatchOne is { } one ? Formula(one, names) : "null",
                ["peak_lines_at_batch_one"] = Formulas(path.PeakLinesAtBatchOne, names),
                ["layers"] = path.Layers.Select(l =>
                    $"new global::TorchBudget.LayerReport({Literal(l.Name)}, {Literal(l.Kind)}, {Expression(l.ParameterCount, names)}, "
                        + $"{Expression(l.TrainableParameterCount, names)}, {Expression(l.BufferElements, names)}, null, null)").ToList(),
            });
            if (path.Guards.Count == 0) break;
        }
        return new ScriptObject
        {
            ["parameters"] = string.Join(", ", spec.Parameters.Select(p => $"{p.TypeName} {p.Name}" + (p.DefaultValue is { } d ? $" = {d}" : ""))),
            ["call"] = string.Join(", ", names),
            ["profiled_test"] = profiledTest,
            ["arguments_text"] = argumentsText,
            ["not_covered"] = $"global::TorchBudget.ParametricReport.NotCovered({Literal(modelName)}, {argumentsText}, {Literal(covered)})",
            ["fixed_arguments"] = spec.FixedArguments.Length == 0 ? null : Xml(spec.FixedArguments),
            ["paths"] = paths,
        };
    }

    private static string Formulas(EquatableArray<ParametricBytes>? lines, string[] names) =>
        lines is { } known ? "new global::TorchBudget.ByteFormula[] { " + string.Join(", ", known.Select(l => Formula(l, names))) + " }" : "null";

    private static string Formula(ParametricBytes bytes, string[] names) =>
        $"new global::TorchBudget.ByteFormula({Expression(bytes.Constant, names)}, {Expression(bytes.PerSample, names)})";

    /// <summary>A polynomial as a checked long expression; int parameters are widened first.</summary>
    private static string Expression(Polynomial polynomial, string[] names)
    {
        if (polynomial.Terms.Count == 0) return "0L";
        var terms = polynomial.Terms.Select(t => string.Join(" * ",
            (t.Coefficient == 1 && t.Variables.Count > 0 ? new string[0] : new[] { Long(t.Coefficient) })
                .Concat(t.Variables.Select(v => $"(long){names[v]}"))));
        return "checked(" + string.Join(" + ", terms) + ")";
    }

    /// <summary>A guard as C# (or, for the covered-sizes message, as plain text); a ±x + c bound reads as a bound on x.</summary>
    private static string Guard(SizeGuard guard, string[] names, bool display)
    {
        var p = guard.Expression;
        if (guard.Relation is not (GuardRelation.DivisibleBy or GuardRelation.NotDivisibleBy)
            && p.AsOneSize() is var (variable, coefficient, constant))
        {
            var name = display ? names[variable].TrimStart('@') : names[variable];
            var bound = coefficient == 1 ? -constant : constant;
            var op = (guard.Relation, coefficient) switch
            {
                (GuardRelation.Positive, 1) => ">",
                (GuardRelation.Positive, _) => "<",
                (GuardRelation.NonNegative, 1) => ">=",
                (GuardRelation.NonNegative, _) => "<=",
                (GuardRelation.Zero, _) => "==",
                _ => "!=",
            };
            return $"{name} {op} {(display ? bound.ToString(CultureInfo.InvariantCulture) : Long(bound))}";
        }
        var text = Expression(p, names);
        if (display) text = string.Join(" + ", p.Terms.Select(t => string.Join("*", new[] { t.Coefficient.ToString(CultureInfo.InvariantCulture) }
            .Where(_ => t.Coefficient != 1 || t.Variables.Count == 0)
            .Concat(t.Variables.Select(v => names[v].TrimStart('@'))))));
        return guard.Relation switch
        {
            GuardRelation.Positive => $"{text} > 0",
            GuardRelation.NonNegative => $"{text} >= 0",
            GuardRelation.Zero => $"{text} == 0",
            GuardRelation.NonZero => $"{text} != 0",
            GuardRelation.DivisibleBy => $"{text} % {Long(guard.Divisor)} == 0",
            _ => $"{text} % {Long(guard.Divisor)} != 0",
        };
    }

    private static string Long(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";

    private static string Literal(string text) => SymbolDisplay.FormatLiteral(text, quote: true);

    private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}

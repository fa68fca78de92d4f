using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using Scriban.Runtime;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Parametric;

namespace TorchBudget.Generator.Emitting;

/// <summary>A <see cref="ParametricSpec"/> as the C# expressions and conditions the template puts into ParameterCountFor/MemoryReportFor.</summary>
internal static class ParametricText
{
    public static ScriptObject Model(ParametricSpec spec)
    {
        var names = spec.Parameters.Select(p => p.Name).ToArray();
        // The body of an interpolated string that names each size and its value: "depth = {depth}, width = {width}".
        var argumentsFormat = string.Join(", ", spec.Parameters.Select(p => $"{p.Name.TrimStart('@')} = {{{p.Name}}}"));
        var covered = CoveredSizes.Describe(spec.Paths.Select(p => (IReadOnlyList<SizeGuard>)p.Guards), g => Guard(g, names, display: true), names);
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
                ["activations"] = path.Activations is { } a ? Formula(a, names) : null,
                ["peak_condition"] = path.PeakLines is null ? "false"
                    : path.PeakGuards.Count == 0 ? "true"
                    : string.Join(" && ", path.PeakGuards.Select(g => Guard(g, names, display: false))),
                ["peak_lines"] = Formulas(path.PeakLines, names),
                ["activations_at_batch_one"] = path.ActivationsAtBatchOne is { } one ? Formula(one, names) : null,
                ["peak_lines_at_batch_one"] = Formulas(path.PeakLinesAtBatchOne, names),
                ["layers"] = path.Layers.Select(l => new ScriptObject
                {
                    ["name"] = Literal(l.Name),
                    ["kind"] = Literal(l.Kind),
                    ["parameter_count"] = Expression(l.ParameterCount, names),
                    ["trainable_parameter_count"] = Expression(l.TrainableParameterCount, names),
                    ["buffer_elements"] = Expression(l.BufferElements, names),
                }).ToList(),
            });
            if (path.Guards.Count == 0) break;
        }
        return new ScriptObject
        {
            ["sizes"] = spec.Parameters.Select(p => new ScriptObject
            {
                ["type"] = p.TypeName,
                ["name"] = p.Name,
                ["default"] = p.DefaultValue,
                ["profiled"] = Long(p.ProfiledValue),
            }).ToList(),
            ["arguments_format"] = argumentsFormat,
            ["covered"] = Literal(covered),
            ["fixed_arguments"] = spec.FixedArguments.Length == 0 ? null : Xml(spec.FixedArguments),
            ["paths"] = paths,
        };
    }

    internal static List<ScriptObject>? Formulas(EquatableArray<ParametricBytes>? lines, string[] names) =>
        lines?.Select(l => Formula(l, names)).ToList();

    /// <summary>A formula's terms for the template, as the checked expressions over the sizes; no page-rounded buffers.</summary>
    internal static ScriptObject Formula(ParametricBytes bytes, string[] names) => new()
    {
        ["constant"] = Expression(bytes.Constant, names),
        ["per_sample"] = Expression(bytes.PerSample, names),
        ["rounded"] = new List<ScriptObject>(),
    };

    /// <summary>A polynomial as a checked long expression; int parameters are widened first.</summary>
    internal static string Expression(Polynomial polynomial, string[] names)
    {
        if (polynomial.Terms.Count == 0) return "0L";
        var terms = polynomial.Terms.Select(t => string.Join(" * ",
            (t.Coefficient == 1 && t.Variables.Count > 0 ? new string[0] : new[] { Long(t.Coefficient) })
                .Concat(t.Variables.Select(v => $"(long){names[v]}"))));
        return "checked(" + string.Join(" + ", terms) + ")";
    }

    /// <summary>A guard as C# (or, for the covered-sizes message, as plain text); a ±x + c bound reads as a bound on x.</summary>
    internal static string Guard(SizeGuard guard, string[] names, bool display)
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

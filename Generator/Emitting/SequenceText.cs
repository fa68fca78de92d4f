using System.Collections.Generic;
using System.Linq;
using Scriban.Runtime;
using TorchBudget.Generator.Parametric;

namespace TorchBudget.Generator.Emitting;

/// <summary>A <see cref="SequenceSpec"/> as the C# conditions and formulas the template puts into TorchBudgetAtSequenceLength.</summary>
internal static class SequenceText
{
    private static readonly string[] Names = { "sequenceLength" };

    private static readonly string[] DisplayNames = { "T" };

    public static ScriptObject Model(SequenceSpec spec) => new()
    {
        ["profiled"] = spec.ProfiledLength.ToString(System.Globalization.CultureInfo.InvariantCulture) + "L",
        ["covered"] = Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(
            CoveredSizes.Describe(spec.Paths.Select(p => (IReadOnlyList<SizeGuard>)p.Guards),
                g => ParametricText.Guard(g, DisplayNames, display: true), DisplayNames), quote: true),
        ["paths"] = spec.Paths.Select(path => new ScriptObject
        {
            ["condition"] = path.Guards.Count == 0 ? "true"
                : string.Join(" && ", path.Guards.Select(g => ParametricText.Guard(g, Names, display: false))),
            ["input_per_sample"] = ParametricText.Expression(path.InputPerSample, Names),
            ["activations"] = ParametricText.Formula(path.Activations, Names),
            ["activations_at_batch_one"] = path.ActivationsAtBatchOne is { } one ? ParametricText.Formula(one, Names) : null,
            ["peak_lines"] = ParametricText.Formulas(path.PeakLines, Names),
            ["peak_lines_at_batch_one"] = ParametricText.Formulas(path.PeakLinesAtBatchOne, Names),
            ["inference"] = path.Inference is not { } inference ? null : new ScriptObject
            {
                ["input_per_sample"] = ParametricText.Expression(inference.InputPerSample, Names),
                ["activations"] = ParametricText.Formula(inference.Activations, Names),
                ["activations_at_batch_one"] = inference.ActivationsAtBatchOne is { } a ? ParametricText.Formula(a, Names) : null,
                ["peak_lines"] = ParametricText.Formulas(inference.PeakLines, Names),
                ["peak_lines_at_batch_one"] = ParametricText.Formulas(inference.PeakLinesAtBatchOne, Names),
            },
        }).ToList(),
    };
}

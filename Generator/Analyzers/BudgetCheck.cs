using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TorchBudget.Analyzers.Linked;
using TorchBudget.Generator.Diagnostics;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Parsing;

namespace TorchBudget.Analyzers;

/// <summary>
/// TBG001: the predicted training peak at the budget's batch size against SafetyFactor × budget. The model's
/// [MemoryBudget] wins over the project's TorchBudgetMemoryBudget/TorchBudgetBatchSize MSBuild properties.
/// </summary>
internal static class BudgetCheck
{
    public static void Report(SymbolAnalysisContext context, INamedTypeSymbol type, ModelSpec spec, Location profileLocation,
        System.Func<LocationInfo?, Location> locate)
    {
        // A model with its own [MemoryBudget] never falls back to the project's, even when its own is invalid (TBG005).
        var hasOwn = type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == AttributeNames.MemoryBudget);
        var fromProject = spec.Budget is null && !hasOwn;
        var budget = spec.Budget ?? (fromProject ? ProjectBudget(context, type, profileLocation) : null);
        if (budget is null) return;
        var location = budget.Location is null ? profileLocation : locate(budget.Location);
        if (spec.Memory?.PeakLines is not { } lines)
        {
            var why = spec.PeakUnknown?.Message ?? "the training peak is unknown";
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CannotAnalyze, location,
                $"the memory budget cannot be checked: {why.TrimEnd('.')}", type.Name));
            return;
        }
        // A peak past long.MaxValue bytes (BatchSize = long.MaxValue) is over every budget, which is at most that.
        long? peak;
        var terms = lines.Select(FormulaOf).ToList();
        var regimes = spec.Memory.LargerBatchPeaks.Select(r => new Linked.PeakRegime(r.FromBatch, r.Lines.Select(FormulaOf).ToArray())).ToList();
        try { peak = PeakFormula.At(terms, spec.Memory.PeakAtBatchOne, budget.BatchSize, regimes); }
        catch (System.OverflowException) { peak = null; }
        var usable = (decimal)budget.BudgetBytes * (decimal)budget.SafetyFactor;
        if (peak <= usable) return;
        var largest = PeakFormula.LargestBatch(terms, spec.Memory.PeakAtBatchOne, usable, regimes);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.OverBudget, location,
            FixProperties(largest, fromProject ? budget.BudgetText : null),
            type.Name, budget.BatchSize, peak is { } known ? Bytes(known) : "more than " + Bytes(long.MaxValue), Bytes((long)decimal.Floor(usable)),
            budget.SafetyFactor, budget.BudgetText, largest, Breakdown(spec.Memory, budget.BatchSize, peak)));
    }

    /// <summary>
    /// What the peak is made of at the budget's batch: the model-state rows, the input and the activations, and the rest
    /// (what the step holds beyond them at its largest moment: gradients in flight, kernel and optimizer work tensors).
    /// </summary>
    private static string Breakdown(Memory memory, long batch, long? peak)
    {
        long? Times(long perSample) { try { return checked(perSample * batch); } catch (System.OverflowException) { return null; } }
        long? activations;
        try { activations = memory.Activations?.At(batch); }
        catch (System.OverflowException) { activations = null; }
        var rows = new (string Name, long? Bytes)[]
        {
            ("parameters", memory.ParameterBytes + memory.BufferBytes), ("gradients", memory.GradientBytes),
            ("optimizer state", memory.OptimizerStateBytes), ("input", Times(memory.InputBytesPerSample)), ("activations", activations),
        };
        var parts = rows.Where(r => r.Bytes != 0).Select(r => $"{r.Name} {(r.Bytes is { } b ? ByteUnits.Format(b) : "unknown")}").ToList();
        if (peak is { } total && rows.All(r => r.Bytes is not null))
        {
            var rest = total - rows.Sum(r => r.Bytes!.Value);
            if (rest > 0) parts.Add($"the step's transient tensors at its peak {ByteUnits.Format(rest)}");
        }
        return string.Join(", ", parts);
    }

    /// <summary>The generator's line as the formula the runtime evaluates (the same source, linked).</summary>
    private static ByteFormula FormulaOf(Generator.Shapes.ByteCount line) =>
        new(line.PinConstant(), line.PinPerSample(),
            line.Rounded.Select(r => new RoundedBytes(r.Constant, r.PerSample, r.Granule, r.Times)).ToArray());

    private static ImmutableDictionary<string, string?> FixProperties(long largestBatch, string? projectBudget)
    {
        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(OverBudgetProperties.LargestBatchThatFits, largestBatch.ToString(CultureInfo.InvariantCulture));
        return projectBudget is null ? properties : properties.Add(OverBudgetProperties.ProjectMemoryBudget, projectBudget);
    }

    private static BudgetSpec? ProjectBudget(SymbolAnalysisContext context, INamedTypeSymbol type, Location profileLocation)
    {
        var options = context.Options.AnalyzerConfigOptionsProvider.GlobalOptions;
        if (!options.TryGetValue("build_property.TorchBudgetMemoryBudget", out var text) || string.IsNullOrWhiteSpace(text)) return null;
        var bytes = ByteUnits.Parse(text, out var problem);
        var batch = options.TryGetValue("build_property.TorchBudgetBatchSize", out var batchText)
            && long.TryParse(batchText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        if (problem is null && batch <= 0)
            problem = $"TorchBudgetBatchSize = '{batchText}' must be a positive whole number when TorchBudgetMemoryBudget is set";
        if (problem is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidAttributeArguments, profileLocation, "TorchBudgetMemoryBudget",
                type.Name, problem));
            return null;
        }
        return new BudgetSpec(bytes!.Value, text, batch, 0.8, null);
    }

    private static string Bytes(long bytes) => bytes < 1024
        ? bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes"
        : $"{ByteUnits.Format(bytes)} ({bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes)";
}

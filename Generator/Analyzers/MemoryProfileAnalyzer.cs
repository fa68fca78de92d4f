using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TorchBudget.Generator.Analysis;
using TorchBudget.Generator.Diagnostics;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Parsing;
using TorchBudget.Generator.Pipeline;

namespace TorchBudget.Analyzers;

/// <summary>
/// Reports what the analysis finds about each [MemoryProfile] class (TBG001–TBG011) at real source
/// locations, so the IDE shows them while typing and #pragma/.editorconfig apply. It reads the generator's analysis of
/// the same compilation (<see cref="AnalysisHandoff"/>) and analyzes a model itself only where there is none.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MemoryProfileAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DiagnosticDescriptors.All;

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var profileAttribute = start.Compilation.GetTypeByMetadataName(AttributeNames.MemoryProfile);
            if (profileAttribute is null) return;
            var handoff = new HandoffReader(start.Compilation);
            start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, profileAttribute, handoff), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol profileAttribute, HandoffReader handoff)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attribute = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, profileAttribute));
        if (attribute is null) return;

        var kernelsText = ProjectKernels.Text(context.Options.AnalyzerConfigOptionsProvider.GlobalOptions);
        var projectKernels = KernelProfile.Parse(kernelsText);
        var spec = AnalysisHandoff.Take(type, handoff)
            ?? ModelAnalysis.Analyze(type, attribute, context.Compilation, context.CancellationToken, parametricFormulas: false,
                projectKernels: projectKernels);
        foreach (var info in spec.Diagnostics)
        {
            if (DiagnosticDescriptors.Find(info.Id) is not { } descriptor) continue;
            context.ReportDiagnostic(Diagnostic.Create(
                descriptor, ToLocation(info.Location, context.Compilation), info.MessageArgs.Cast<object>().ToArray()));
        }
        ReportOversizedLayers(context, type, spec);
        var profileLocation = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? type.Locations[0];
        if (kernelsText is not null && projectKernels is null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidAttributeArguments, profileLocation, ProjectKernels.Property,
                type.Name, ProjectKernels.Problem(kernelsText)));
        }
        BudgetCheck.Report(context, type, spec, profileLocation, info => ToLocation(info, context.Compilation));
    }

    private static void ReportOversizedLayers(SymbolAnalysisContext context, INamedTypeSymbol type, ModelSpec spec)
    {
        if (spec.LayerSites.Count == 0) return;
        var tree = type.Locations.FirstOrDefault(l => l.IsInSource)?.SourceTree;
        var threshold = LayerSizeThreshold.Read(context.Options.AnalyzerConfigOptionsProvider, tree, out var problem);
        if (problem is { } invalid)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.InvalidAttributeArguments, type.Locations[0], invalid.Setting, type.Name, invalid.Message));
        }
        foreach (var layer in spec.LayerSites.Where(l => l.ParameterCount > threshold))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.OversizedLayer, ToLocation(layer.Location, context.Compilation),
                layer.Name, layer.Kind, type.Name, LayerSizeThreshold.Format(layer.ParameterCount), LayerSizeThreshold.Format(threshold)));
        }
    }

    /// <summary>Back onto the real syntax tree, so suppressions and the IDE see a source location.</summary>
    private static Location ToLocation(LocationInfo? info, Compilation compilation)
    {
        if (info is null) return Location.None;
        var tree = compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == info.FilePath);
        return tree is null ? Location.Create(info.FilePath, info.Span, info.LineSpan) : Location.Create(tree, info.Span);
    }
}

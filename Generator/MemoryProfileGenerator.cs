using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using TorchBudget.Generator.Emitting;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Parsing;
using TorchBudget.Generator.Pipeline;

namespace TorchBudget.Generator;

/// <summary>
/// Adds ParameterCount, TrainableParameterCount and MemoryReport to every partial class marked
/// [MemoryProfile]. Diagnostics are reported by the analyzers (with real locations), not here.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class MemoryProfileGenerator : IIncrementalGenerator
{
    /// <summary>
    /// Roslyn re-runs the transform below for every model on every compilation change (every keystroke in the IDE);
    /// the cache makes that cheap for models whose code did not change. One per generator instance, i.e. per host.
    /// </summary>
    internal ModelCache Cache { get; } = new();

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var cache = Cache;
        var projectKernels = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => KernelProfile.Parse(ProjectKernels.Text(options.GlobalOptions)));
        // The attribute's context is not equatable, so the step after it runs for every model on every change: the cache
        // makes that cheap where the model's code did not change.
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(AttributeNames.MemoryProfile, static (node, _) => node is ClassDeclarationSyntax, static (ctx, _) => ctx)
            .Combine(projectKernels)
            .Select((pair, ct) => cache.GetOrParse((INamedTypeSymbol)pair.Left.TargetSymbol, pair.Left.Attributes[0],
                pair.Left.SemanticModel.Compilation, ct, pair.Right))
            .WithTrackingName(TrackingNames.Models);

        // What only the analyzer reads (diagnostics and layer sites carry spans that move with every edit above them) is
        // stripped, so that such an edit does not re-emit the model.
        var emittable = models
            .Where(static spec => spec.Target.CanEmit)
            .Select(static (spec, _) => spec with
            {
                Diagnostics = EquatableArray<DiagnosticInfo>.Empty, LayerSites = EquatableArray<LayerSite>.Empty, Budget = null, PeakUnknown = null,
            })
            .WithTrackingName(TrackingNames.Emittable);

        context.RegisterSourceOutput(emittable, static (output, spec) =>
        {
            string text;
            try
            {
                text = Emitter.Emit(spec);
            }
            catch (System.Exception exception) when (exception is not System.OperationCanceledException)
            {
                // Never crash the compiler: the user's build goes on without the generated members.
                output.ReportDiagnostic(Diagnostic.Create(Diagnostics.DiagnosticDescriptors.InternalError, Location.None,
                    spec.Target.ClassName, $"{exception.GetType().Name}: {exception.Message}"));
                return;
            }
            output.AddSource(spec.Target.HintName, SourceText.From(text, System.Text.Encoding.UTF8));
        });
    }
}

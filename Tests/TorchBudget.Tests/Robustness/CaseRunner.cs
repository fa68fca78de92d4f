using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using TorchBudget.Analyzers;
using TorchBudget.Generator;
using TorchBudget.Tests.Generator;

namespace TorchBudget.Tests.Robustness;

/// <summary>
/// Runs the real generator(s) and analyzer(s) on one case the way a build does: generate, then analyze the
/// compilation that includes the generated files. Every exception either side throws is collected rather than
/// lost: the driver's per-generator exception (the compiler's CS8785) and the analyzer driver's AD0001 callback.
/// </summary>
internal sealed class CaseRunner
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly CSharpCompilationOptions CompilationOptions =
        new(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);

    /// <summary>The same reference set as the other generator tests, shared by every case (loading it is the slow part).</summary>
    private static readonly ImmutableArray<MetadataReference> WithTorchSharp = TestCompilation.References;

    private static readonly ImmutableArray<MetadataReference> WithoutTorchSharp = WithTorchSharp
        .Where(r => !string.Equals(System.IO.Path.GetFileName(r.Display), "TorchSharp.dll", StringComparison.OrdinalIgnoreCase))
        .ToImmutableArray();

    private readonly ImmutableArray<ISourceGenerator> generators;
    private readonly ImmutableArray<DiagnosticAnalyzer> analyzers;

    public CaseRunner(IEnumerable<ISourceGenerator> generators, IEnumerable<DiagnosticAnalyzer> analyzers)
    {
        this.generators = generators.ToImmutableArray();
        this.analyzers = analyzers.ToImmutableArray();
    }

    private static readonly Type[] GeneratorTypes = typeof(MemoryProfileGenerator).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(IIncrementalGenerator).IsAssignableFrom(t)
            && t.GetCustomAttributes(typeof(GeneratorAttribute), false).Length > 0)
        .ToArray();

    private static readonly Type[] AnalyzerTypes = typeof(MemoryProfileAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t)
            && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
        .ToArray();

    /// <summary>
    /// New instances of every generator and analyzer TorchBudget ships, found by reflection so a new one is covered
    /// without editing the suite. New per case, as a command-line build gets them: the generator keeps a cache per
    /// instance (ModelCache), and a shared one would let a second run reuse the first run's results.
    /// </summary>
    public static CaseRunner ForShippedComponents() => new(
        GeneratorTypes.Select(t => ((IIncrementalGenerator)Activator.CreateInstance(t)!).AsSourceGenerator()),
        AnalyzerTypes.Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!));

    public int GeneratorCount => generators.Length;

    public int AnalyzerCount => analyzers.Length;

    public CaseOutcome Run(RobustnessCase @case, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var trees = @case.Sources
            .Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, s.Path, cancellationToken: cancellationToken))
            .ToList();
        var compilation = CSharpCompilation.Create("RobustnessCase", trees, @case.ReferencesTorchSharp ? WithTorchSharp : WithoutTorchSharp,
            CompilationOptions);
        var options = new DictionaryConfigOptionsProvider(@case.GlobalOptions);

        GeneratorDriver driver = CSharpGeneratorDriver.Create(generators, parseOptions: ParseOptions, optionsProvider: options);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics, cancellationToken);
        var run = driver.GetRunResult();
        var exceptions = new ConcurrentQueue<string>();
        foreach (var result in run.Results.Where(r => r.Exception is not null))
        {
            exceptions.Enqueue($"generator {result.Generator.GetGeneratorType().Name}: {result.Exception}");
        }

        var withAnalyzers = output.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, options),
            onAnalyzerException: (exception, analyzer, _) => exceptions.Enqueue($"analyzer {analyzer.GetType().Name}: {exception}"),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false));
        var analyzerDiagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken).GetAwaiter().GetResult();

        var generated = run.Results.SelectMany(r => r.GeneratedSources)
            .Select(s => new GeneratedReport(s.HintName, GeneratedClassName(s.SourceText.ToString()), s.SourceText.ToString()))
            .ToList();
        return new CaseOutcome(ProfiledClasses(compilation, trees, cancellationToken), generated,
            generatorDiagnostics.Concat(run.Diagnostics).Distinct().ToList(), analyzerDiagnostics.ToList(), exceptions.ToList(), stopwatch.Elapsed);
    }

    /// <summary>The classes the analyzer looks at: every type declared in the case carrying the real [MemoryProfile].</summary>
    private static IReadOnlyList<string> ProfiledClasses(Compilation compilation, IEnumerable<SyntaxTree> trees, CancellationToken cancellationToken)
    {
        var attribute = compilation.GetTypeByMetadataName("TorchBudget.MemoryProfileAttribute");
        if (attribute is null) return Array.Empty<string>();
        var names = new List<string>();
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var declaration in tree.GetRoot(cancellationToken).DescendantNodes().OfType<BaseTypeDeclarationSyntax>())
            {
                if (declaration.AttributeLists.Count == 0) continue;
                if (model.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type) continue;
                if (type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute))) names.Add(type.Name);
            }
        }
        return names.Distinct().ToList();
    }

    /// <summary>The template's header line names the class: "// Generated by TorchBudget from [MemoryProfile] on X."</summary>
    private static string GeneratedClassName(string text)
    {
        const string marker = "[MemoryProfile] on ";
        var start = text.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0) return "";
        start += marker.Length;
        var end = text.IndexOf('.', start);
        return end < 0 ? "" : text[start..end];
    }
}

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using TorchBudget.Analyzers;
using TorchBudget.Generator;

namespace TorchBudget.Tests.Generator;

/// <summary>Compiles test sources against the running framework, TorchSharp and TorchBudget.Runtime.</summary>
internal static class TestCompilation
{
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using TorchBudget;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        """;

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(() =>
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll");
        return platform
            .Append(typeof(TorchSharp.torch).Assembly.Location)
            .Append(typeof(MemoryProfileAttribute).Assembly.Location)
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    });

    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    public static CSharpCompilation Create(params string[] sources) => Create(References, sources);

    public static CSharpCompilation Create(IEnumerable<MetadataReference> references, params string[] sources) =>
        CSharpCompilation.Create(
            "TestModels",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: $"Model{i}.cs")),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>
    /// Runs the generator; returns the updated compilation, its generated texts and all diagnostics. Every test that
    /// generates through here also checks the pipeline's caching (<see cref="AssertCachedOnRerun"/>).
    /// </summary>
    public static (Compilation Output, IReadOnlyList<string> Generated, IReadOnlyList<Diagnostic> Diagnostics) Generate(CSharpCompilation compilation)
    {
        var generator = new MemoryProfileGenerator();
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { generator.AsSourceGenerator() },
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var generated = driver.GetRunResult().GeneratedTrees.Select(t => t.ToString()).ToList();
        var diagnostics = generatorDiagnostics.Concat(output.GetDiagnostics()).ToList();
        AssertCachedOnRerun(driver, generator, compilation);
        return (output, generated, diagnostics);
    }

    /// <summary>
    /// Runs the generator again on an equal compilation, with its model cache emptied so that every model is analyzed
    /// anew: each tracked step must come out Cached or Unchanged and each output Cached. That holds only if the specs are
    /// equal by value, which the IDE relies on to skip re-emitting on every keystroke (NetEscapades' pattern).
    /// </summary>
    private static void AssertCachedOnRerun(GeneratorDriver driver, MemoryProfileGenerator generator, Compilation compilation)
    {
        generator.Cache.Clear();
        var result = driver.RunGenerators(compilation.Clone()).GetRunResult().Results.Single();
        foreach (var step in new[] { TrackingNames.Models, TrackingNames.Emittable })
        {
            if (!result.TrackedSteps.TryGetValue(step, out var runs)) continue; // no [MemoryProfile] class
            Xunit.Assert.All(runs.SelectMany(s => s.Outputs), o =>
                Xunit.Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {o.Reason}"));
        }
        Xunit.Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Xunit.Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    /// <summary>What the analyzer reports on the compilation (after generation, as in a real build).</summary>
    public static IReadOnlyList<Diagnostic> Analyze(Compilation compilation) =>
        compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new MemoryProfileAnalyzer()))
            .GetAllDiagnosticsAsync().GetAwaiter().GetResult()
            .Where(d => d.Id.StartsWith("TBG", StringComparison.Ordinal) || d.Id is "AD0001")
            .ToList();
}

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using TorchBudget.Analyzers;
using TorchBudget.Generator;

namespace TorchBudget.Bench;

/// <summary>
/// The IDE case: one GeneratorDriver kept across edits (as the IDE keeps it), over the corpus; each edit changes one
/// statement in a file, then the generator runs and the analyzer analyzes the edited document (what the IDE does for
/// the open file: semantic diagnostics of that document, which runs symbol actions for the types declared in it).
/// Per edit: wall time and allocated bytes of the generator run and of the document analysis, the analyzer's own
/// execution time (Roslyn's telemetry, compiler binding excluded), and how many models the Models step recomputed.
/// </summary>
internal static class EditBenchmark
{
    private const string EditMarker = "var edit = ";

    public sealed record Series(string Name, int Edits, Stats GeneratorMs, Stats AnalyzerOwnMs, Stats DocumentAnalysisMs, Stats TotalMs,
        double GeneratorBytes, double DocumentAnalysisBytes, IReadOnlyDictionary<IncrementalStepRunReason, double> ModelsStepReasons,
        double ModelsAnalyzed);

    public static IReadOnlyList<Series> Run(int models, int edits, int warmupEdits, IIncrementalGenerator generator, string label)
    {
        var files = ModelCorpus.Models(models).Append((Name: "Helpers.cs", Source: ModelCorpus.UnrelatedFile)).ToList();
        // The edited statement exists from the start, so every measured edit is the same one-token change.
        files[0] = (files[0].Name, files[0].Source.Replace("var h = functional.relu(fc1.forward(x));",
            "var h = functional.relu(fc1.forward(x));\n        " + EditMarker + "0;"));
        files[^1] = (files[^1].Name, files[^1].Source.Replace("var total = 0;", "var total = 0;\n        " + EditMarker + "0;"));
        var compilation = BenchCompilation.Create(files);
        GeneratorDriver driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(
            new[] { generator.AsSourceGenerator() },
            parseOptions: BenchCompilation.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);

        var modelTree = compilation.SyntaxTrees.First(t => t.FilePath == files[0].Name);
        var unrelatedTree = compilation.SyntaxTrees.First(t => t.FilePath == "Helpers.cs");
        var results = new List<Series>();
        foreach (var (name, path) in new[] { ($"{label}: {edits} edits to one model's forward body ({files[0].Name})", modelTree.FilePath),
            ($"{label}: {edits} edits to an unrelated file (Helpers.cs)", unrelatedTree.FilePath) })
        {
            var generatorMs = new List<double>();
            var analyzerOwnMs = new List<double>();
            var documentMs = new List<double>();
            var totalMs = new List<double>();
            long generatorBytes = 0, documentBytes = 0;
            var analysesBefore = 0;
            var reasons = new Dictionary<IncrementalStepRunReason, double>();
            for (var i = 1; i <= warmupEdits + edits; i++)
            {
                var tree = compilation.SyntaxTrees.First(t => t.FilePath == path);
                var text = tree.GetText();
                var start = text.ToString().IndexOf(EditMarker, StringComparison.Ordinal) + EditMarker.Length;
                var end = text.ToString().IndexOf(';', start);
                var edited = tree.WithChangedText(text.WithChanges(new TextChange(TextSpan.FromBounds(start, end),
                    i.ToString(System.Globalization.CultureInfo.InvariantCulture))));

                if (i == warmupEdits + 1) analysesBefore = Analyses(generator);
                var bytes0 = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                compilation = compilation.ReplaceSyntaxTree(tree, edited);
                driver = driver.RunGenerators(compilation);
                var generated = clock.Elapsed.TotalMilliseconds;
                var bytes1 = GC.GetTotalAllocatedBytes(precise: true);

                var analyzer = new MemoryProfileAnalyzer();
                var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(analyzer),
                    new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false,
                        logAnalyzerExecutionTime: true));
                clock.Restart();
                _ = withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(edited), null, default).GetAwaiter().GetResult();
                var analyzed = clock.Elapsed.TotalMilliseconds;
                var bytes2 = GC.GetTotalAllocatedBytes(precise: true);
                var own = withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds;
                if (i <= warmupEdits) continue;

                generatorMs.Add(generated);
                documentMs.Add(analyzed);
                analyzerOwnMs.Add(own);
                totalMs.Add(generated + analyzed);
                generatorBytes += bytes1 - bytes0;
                documentBytes += bytes2 - bytes1;
                var steps = driver.GetRunResult().Results.Single().TrackedSteps;
                foreach (var output in steps.GetValueOrDefault(TrackingNames.Models, ImmutableArray<IncrementalGeneratorRunStep>.Empty)
                    .SelectMany(s => s.Outputs))
                {
                    reasons[output.Reason] = reasons.GetValueOrDefault(output.Reason) + 1.0 / edits;
                }
            }
            results.Add(new Series(name, edits, Stats.Of(generatorMs), Stats.Of(analyzerOwnMs), Stats.Of(documentMs), Stats.Of(totalMs),
                (double)generatorBytes / edits, (double)documentBytes / edits, reasons, (double)(Analyses(generator) - analysesBefore) / edits));
        }
        return results;
    }

    private static int Analyses(IIncrementalGenerator generator) => (generator as MemoryProfileGenerator)?.Cache.Analyses ?? 0;
}

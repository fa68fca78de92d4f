using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TorchBudget.Generator;

namespace TorchBudget.Bench;

/// <summary>
/// One full generator run (a fresh driver, as in a command-line build) over N models, for several N: the median of
/// a few runs, each on a fresh compilation so that Roslyn's binding caches do not carry over.
/// </summary>
internal static class ScalingBenchmark
{
    public sealed record Point(int Models, double MedianMs, double MsPerModel);

    public static IReadOnlyList<Point> Run(IEnumerable<int> sizes, int runs)
    {
        // JIT and TorchSharp metadata: not part of any point.
        Generate(ModelCorpus.Models(10).ToList());
        var points = new List<Point>();
        foreach (var size in sizes)
        {
            var files = ModelCorpus.Models(size).ToList();
            var times = Enumerable.Range(0, runs).Select(_ => Generate(files)).ToList();
            var median = Stats.Of(times).Median;
            points.Add(new Point(size, median, median / size));
        }
        return points;
    }

    private static double Generate(IReadOnlyList<(string Name, string Source)> files)
    {
        var compilation = BenchCompilation.Create(files);
        var clock = Stopwatch.StartNew();
        CSharpGeneratorDriver.Create(new[] { new MemoryProfileGenerator().AsSourceGenerator() }, parseOptions: BenchCompilation.ParseOptions)
            .RunGenerators(compilation);
        return clock.Elapsed.TotalMilliseconds;
    }
}

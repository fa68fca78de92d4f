using System;
using System.Globalization;
using System.IO;
using System.Linq;
using TorchBudget.Bench;

// Usage: dotnet run -c Release --project bench/TorchBudget.Bench -- [edits|scaling|parametric|build|all] [--models N] [--edits N]
// [--runs N] [--parametric] [--shared-compilation] [--only torchbudget|floor] [--floor-output]
// Prints Markdown for bench/RESULTS.md. See that file for what each benchmark measures and how.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var what = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
int Option(string name, int fallback) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
var models = Option("--models", 200);
var edits = Option("--edits", 100);
var runs = Option("--runs", 5);
var root = FindRepositoryRoot();

Console.WriteLine($"Machine: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, "
    + $".NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine();

if (what is "edits" or "all")
{
    Console.WriteLine($"## Per-edit cost ({models} models, {edits} measured edits after 5 warm-up edits)");
    Console.WriteLine();
    Console.WriteLine("| Edit | Generator ms mean / median / max | Analyzer's own ms mean / max | Document analysis ms mean / max "
        + "| Total ms mean / max | Generator alloc / edit | Document analysis alloc / edit | Models step outputs per edit "
        + "| Models analyzed per edit |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|---:|");
    // --only torchbudget|floor: one series per process, so neither warms the JIT for the other (fairer; see RESULTS.md).
    var only = Array.IndexOf(args, "--only") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    var floorOutput = args.Contains("--floor-output");
    var floorName = floorOutput ? "Floor (attribute lookup, ~4 KB emitted per model)" : "Floor (attribute lookup only)";
    var series = (only == "floor" ? Enumerable.Empty<EditBenchmark.Series>()
            : EditBenchmark.Run(models, edits, 5, new TorchBudget.Generator.MemoryProfileGenerator(), "TorchBudget"))
        .Concat(only == "torchbudget" ? Enumerable.Empty<EditBenchmark.Series>()
            : EditBenchmark.Run(models, edits, 5, new AttributePipelineFloor(floorOutput), floorName));
    foreach (var s in series)
    {
        var reasons = string.Join(", ", s.ModelsStepReasons.OrderBy(r => r.Key).Select(r => $"{r.Key} {r.Value:0.#}"));
        Console.WriteLine($"| {s.Name} | {s.GeneratorMs.Mean:0.0} / {s.GeneratorMs.Median:0.0} / {s.GeneratorMs.Max:0.0} "
            + $"| {s.AnalyzerOwnMs.Mean:0.0} / {s.AnalyzerOwnMs.Max:0.0} | {s.DocumentAnalysisMs.Mean:0.0} / {s.DocumentAnalysisMs.Max:0.0} "
            + $"| {s.TotalMs.Mean:0.0} / {s.TotalMs.Max:0.0} | {Mb(s.GeneratorBytes)} | {Mb(s.DocumentAnalysisBytes)} | {reasons} "
            + $"| {s.ModelsAnalyzed:0.##} |");
    }
    Console.WriteLine();
}

if (what is "scaling" or "all")
{
    Console.WriteLine($"## Scaling (one generator run, fresh driver and compilation, median of {Math.Max(3, runs)})");
    Console.WriteLine();
    Console.WriteLine("| Models | Generator ms | ms per model |");
    Console.WriteLine("|---:|---:|---:|");
    foreach (var p in ScalingBenchmark.Run(new[] { 1, 50, 200, 1000 }, Math.Max(3, runs)))
        Console.WriteLine($"| {p.Models} | {p.MedianMs:0} | {p.MsPerModel:0.00} |");
    Console.WriteLine();
}

if (what is "parametric" or "all")
{
    Console.WriteLine($"## Parametric formulas: one model's parse with and without them (median of {Math.Max(5, runs)})");
    Console.WriteLine();
    Console.WriteLine("| Constructor | paths | with ms | without ms | added ms |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    foreach (var r in ParametricBenchmark.Run(Math.Max(5, runs)))
        Console.WriteLine($"| {r.Kind} | {r.Paths} | {r.WithMs:0.0} | {r.WithoutMs:0.0} | {r.WithMs - r.WithoutMs:0.0} |");
    Console.WriteLine();
}

if (what is "build" or "all")
{
    var folder = Path.Combine(Path.GetTempPath(), "torchbudget-bench");
    var parametric = args.Contains("--parametric");
    var shared = args.Contains("--shared-compilation");
    var result = BuildOverheadBenchmark.Run(folder, models, runs, root, parametric, shared);
    Console.WriteLine($"## Build overhead ({models} {(parametric ? "parametric " : "")}models, `dotnet build --no-incremental`, "
        + $"{runs} runs each, alternating, "
        + (shared ? "warm compiler server)" : "a csc process per build)"));
    Console.WriteLine();
    Console.WriteLine("| Project | median s | mean s | max s | runs (s) |");
    Console.WriteLine("|---|---:|---:|---:|---|");
    Console.WriteLine($"| with TorchBudget | {result.WithMs.Median / 1000:0.00} | {result.WithMs.Mean / 1000:0.00} | {result.WithMs.Max / 1000:0.00} "
        + $"| {string.Join(", ", result.WithRuns.Select(r => (r / 1000).ToString("0.00")))} |");
    Console.WriteLine($"| without | {result.WithoutMs.Median / 1000:0.00} | {result.WithoutMs.Mean / 1000:0.00} | {result.WithoutMs.Max / 1000:0.00} "
        + $"| {string.Join(", ", result.WithoutRuns.Select(r => (r / 1000).ToString("0.00")))} |");
    Console.WriteLine();
    Console.WriteLine($"Ratio of medians: {result.Ratio:0.00}");
}

static string Mb(double bytes) => $"{bytes / (1024 * 1024):0.0} MiB";

static string FindRepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Analyzers.sln"))) return directory.FullName;
    }
    throw new InvalidOperationException("Run from a checkout: no Analyzers.sln above " + AppContext.BaseDirectory);
}

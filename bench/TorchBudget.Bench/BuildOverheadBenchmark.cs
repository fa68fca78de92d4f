using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using TorchBudget.Analyzers;
using TorchBudget.Generator;

namespace TorchBudget.Bench;

/// <summary>
/// `dotnet build --no-incremental` of one project of N models, with TorchBudget's generator and analyzers and without
/// them (both reference TorchBudget.Runtime, which holds the attributes, and TorchSharp). The projects are written
/// outside the repository so they inherit none of its build settings; the built DLLs of this checkout are used.
/// Runs alternate between the two projects so that load from elsewhere on the machine hits both alike.
/// </summary>
internal static class BuildOverheadBenchmark
{
    public sealed record Result(int Models, int Runs, Stats WithMs, Stats WithoutMs, IReadOnlyList<double> WithRuns,
        IReadOnlyList<double> WithoutRuns)
    {
        public double Ratio => WithMs.Median / WithoutMs.Median;
    }

    /// <param name="parametric">Models with constructor sizes (<see cref="ModelCorpus.ParametricModels"/>).</param>
    /// <param name="sharedCompilation">Build with the compiler server (warm after the warm-up build) rather than a csc
    /// process per build, whatever the environment's UseSharedCompilation says.</param>
    public static Result Run(string folder, int models, int runs, string repositoryRoot, bool parametric, bool sharedCompilation)
    {
        var corpus = (parametric ? ModelCorpus.ParametricModels(models) : ModelCorpus.Models(models)).ToList();
        var with = Write(Path.Combine(folder, "with"), corpus, repositoryRoot, withTorchBudget: true);
        var without = Write(Path.Combine(folder, "without"), corpus, repositoryRoot, withTorchBudget: false);
        var shared = $"-p:UseSharedCompilation={(sharedCompilation ? "true" : "false")}";
        foreach (var project in new[] { with, without })
        {
            Dotnet($"restore \"{project}\" -nologo -v:q");
            Dotnet($"build \"{project}\" -c Release --no-restore -nologo -v:q {shared}"); // warm-up: the compiler server and the disk cache
        }
        var withRuns = new List<double>();
        var withoutRuns = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            withRuns.Add(Dotnet($"build \"{with}\" -c Release --no-restore --no-incremental -nologo -v:q {shared}"));
            withoutRuns.Add(Dotnet($"build \"{without}\" -c Release --no-restore --no-incremental -nologo -v:q {shared}"));
        }
        return new Result(models, runs, Stats.Of(withRuns), Stats.Of(withoutRuns), withRuns, withoutRuns);
    }

    private static string Write(string folder, IEnumerable<(string Name, string Source)> corpus, string repositoryRoot, bool withTorchBudget)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        foreach (var (name, source) in corpus) File.WriteAllText(Path.Combine(folder, name), source);
        File.WriteAllText(Path.Combine(folder, "Helpers.cs"), ModelCorpus.UnrelatedFile);
        File.Copy(Path.Combine(repositoryRoot, "NuGet.config"), Path.Combine(folder, "NuGet.config"));
        var analyzers = withTorchBudget
            ? string.Join("\n", new[] { typeof(MemoryProfileGenerator), typeof(MemoryProfileAnalyzer), typeof(Scriban.Template) }
                .Select(t => t.Assembly.Location).Distinct()
                .Select(location => $"    <Analyzer Include=\"{location}\" />"))
            : "";
        var project = Path.Combine(folder, "BenchModels.csproj");
        File.WriteAllText(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <AssemblyName>BenchModels</AssemblyName>
                <!-- Unknown peaks (LSTM, transformer) are TBG004 warnings by design. -->
                <NoWarn>$(NoWarn);TBG004</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TorchSharp" Version="0.107.0" />
                <Reference Include="TorchBudget.Runtime" HintPath="{typeof(MemoryProfileAttribute).Assembly.Location}" />
              </ItemGroup>
              <ItemGroup>
            {analyzers}
              </ItemGroup>
            </Project>
            """);
        return project;
    }

    /// <summary>Runs dotnet with the arguments; the wall time in ms. A failed build fails the benchmark.</summary>
    private static double Dotnet(string arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet {arguments} failed:\n{output.Result}\n{error.Result}");
        return elapsed;
    }
}

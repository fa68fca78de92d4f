using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Differential;

/// <summary>
/// Issue #14: random forward programs from every op family the analysis claims to model, each compiled as a
/// [MemoryProfile] model and checked against its real training step and inference pass under the CPU allocation
/// counter. Every row a report claims as known must equal the measurement (Peak within 1%), and at least
/// <see cref="RequiredKnownRate"/> of the programs must get every row known, or the fuzzer proves nothing.
/// CI runs <see cref="DefaultPrograms"/> programs of seed <see cref="DefaultSeed"/>; a soak sets
/// TORCHBUDGET_FUZZ_PROGRAMS (and TORCHBUDGET_FUZZ_SEED): see docs/memory-model.md.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class DifferentialFuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 14;
    private const int DefaultPrograms = 320;
    private const int ProgramsPerCompilation = 160;
    private const double RequiredKnownRate = 0.80;

    [Fact]
    public void Generated_programs_match_the_allocation_counter()
    {
        var seed = Setting("TORCHBUDGET_FUZZ_SEED", DefaultSeed);
        var count = Setting("TORCHBUDGET_FUZZ_PROGRAMS", DefaultPrograms);
        var stopwatch = Stopwatch.StartNew();
        var outcomes = RunInCompilations(count, i => FuzzProgram.Create(seed, i));
        output.WriteLine(Tally(outcomes, seed, stopwatch.Elapsed));
        var failed = outcomes.Where(o => o.Mismatches.Count > 0).ToList();
        // A soak can keep every mismatch for study: TORCHBUDGET_FUZZ_REPORT=<file>.
        if (Environment.GetEnvironmentVariable("TORCHBUDGET_FUZZ_REPORT") is { Length: > 0 } path)
        {
            System.IO.File.WriteAllText(path, Tally(outcomes, seed, stopwatch.Elapsed) + "\n" + string.Join("\n\n", failed.Select(Describe)));
        }
        Assert.True(failed.Count == 0,
            $"{failed.Count} of {outcomes.Count} programs differ from TorchSharp:\n\n" + string.Join("\n\n", failed.Take(5).Select(Describe)));
        var rate = outcomes.Count(o => o.FullyKnown) / (double)outcomes.Count;
        Assert.True(rate >= RequiredKnownRate,
            $"only {rate:P1} of the programs got every row known (at least {RequiredKnownRate:P0} required): the fuzzer would prove little.\n"
            + Tally(outcomes, seed, stopwatch.Elapsed));
    }

    /// <summary>
    /// Programs 0 … count − 1, compiled <see cref="ProgramsPerCompilation"/> at a time and checked. A native crash takes
    /// the test host down with no report: a soak (TORCHBUDGET_FUZZ_REPORT) leaves the programs it was running.
    /// </summary>
    internal static List<ProgramOutcome> RunInCompilations(int count, Func<int, FuzzProgram> create)
    {
        var outcomes = new List<ProgramOutcome>();
        for (var start = 0; start < count; start += ProgramsPerCompilation)
        {
            var programs = Enumerable.Range(start, Math.Min(ProgramsPerCompilation, count - start)).Select(create).ToList();
            if (Environment.GetEnvironmentVariable("TORCHBUDGET_FUZZ_REPORT") is { Length: > 0 } report)
            {
                System.IO.File.WriteAllText(report + ".running",
                    string.Join("\n\n", programs.Select(p => $"// {p.Name} at batch {p.Batch}\n{p.Source}")));
            }
            outcomes.AddRange(DifferentialRunner.Run(programs));
        }
        return outcomes;
    }

    internal static string Describe(ProgramOutcome outcome) =>
        $"{outcome.Program.Name} at batch {outcome.Program.Batch}:\n- " + string.Join("\n- ", outcome.Mismatches) + "\n" + outcome.Program.Source;

    /// <summary>Programs, fully known ones and mismatches per op family, and the commonest reasons for unknown rows.</summary>
    internal static string Tally(IReadOnlyList<ProgramOutcome> outcomes, int seed, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        var known = outcomes.Count(o => o.FullyKnown);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Differential fuzzer, seed {seed}: {outcomes.Count} programs in {elapsed.TotalSeconds:F0} s, {known} with every row known "
            + $"({known / (double)Math.Max(1, outcomes.Count):P1}), {outcomes.Count(o => o.Mismatches.Count > 0)} with a mismatch.");
        text.AppendLine("| Family | Programs | Every row known | Mismatches |");
        text.AppendLine("|---|---:|---:|---:|");
        foreach (var family in outcomes.SelectMany(o => o.Program.Families).Distinct().OrderBy(f => f, StringComparer.Ordinal))
        {
            var using_ = outcomes.Where(o => o.Program.Families.Contains(family)).ToList();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {family} | {using_.Count} | {using_.Count(o => o.FullyKnown)} ({using_.Count(o => o.FullyKnown) / (double)using_.Count:P0}) "
                + $"| {using_.Count(o => o.Mismatches.Count > 0)} |");
        }
        var reasons = outcomes.Where(o => !o.FullyKnown).GroupBy(o => Reason(o)).OrderByDescending(g => g.Count()).Take(8);
        text.AppendLine("Why rows were unknown (commonest first):");
        foreach (var reason in reasons) text.AppendLine(CultureInfo.InvariantCulture, $"- {reason.Count()}: {reason.Key}");
        return text.ToString();
    }

    private static string Reason(ProgramOutcome outcome)
    {
        if (outcome.UnknownBecause is { } because) return Generalize(because);
        if (outcome.Diagnostics.FirstOrDefault(d => d.Id is "TBG003" or "TBG009") is { } error) return "shape error (agreed with TorchSharp)";
        if (outcome.Notes.FirstOrDefault(n => n.Contains(" is unknown", StringComparison.Ordinal)) is { } note) return Generalize(note);
        var row = outcome.Training?.Rows.FirstOrDefault(r => r.Predicted is null)?.Name;
        return row is null ? "inference rows unknown" : $"{row} not predicted";
    }

    /// <summary>Drops the sizes and names from a reason so that the tally groups alike reasons.</summary>
    private static string Generalize(string reason) =>
        System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(reason, @"\[[^\]]*\]", "[...]"), @"'Fuzz[^']*'", "'…'");

    internal static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
}

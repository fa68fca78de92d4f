using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Robustness;

/// <summary>
/// Issue #6: thousands of generated inputs (mutated zoo models and handwritten odd modules) through the real
/// generator and analyzers. Each must end without a crash, an internal error or a hang, in a complete report or
/// with a diagnostic that says why not (<see cref="CaseVerdict"/>), and a sample runs twice to the same bytes.
/// The seed and the case count can be changed with TORCHBUDGET_ROBUSTNESS_SEED and TORCHBUDGET_ROBUSTNESS_CASES
/// to search further; a failure names its case (seed included) so it can be remade alone.
/// </summary>
public class RobustnessSuiteTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20261123;
    private const int DefaultCaseCount = 2000;

    /// <summary>Two workers: CI's machine has two cores, and cases share no state but the references.</summary>
    private const int Workers = 2;

    /// <summary>Every twentieth case runs a second time from scratch; its output must be byte-identical.</summary>
    private const int RepeatEvery = 20;

    /// <summary>
    /// The slowest real case takes about 3.5 s on its own (a recurrent tagger whose depth the formulas sweep) and several
    /// times that beside the rest of the suite; a case that needs this long is treated as a hang. The analysis is
    /// cancelled then, and a case that ignores cancellation is abandoned after the grace period.
    /// </summary>
    private static readonly TimeSpan CaseTimeLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CancellationGrace = TimeSpan.FromSeconds(5);

    [Fact]
    public void Generated_cases_never_crash_hang_or_leave_a_gap_unexplained()
    {
        var seed = EnvironmentNumber("TORCHBUDGET_ROBUSTNESS_SEED", DefaultSeed);
        var count = EnvironmentNumber("TORCHBUDGET_ROBUSTNESS_CASES", DefaultCaseCount);
        var factory = new CaseFactory(seed);
        var shipped = CaseRunner.ForShippedComponents();
        Assert.True(shipped.GeneratorCount > 0 && shipped.AnalyzerCount > 0, "found no generator or no analyzer to run");

        var failures = new ConcurrentBag<(RobustnessCase Case, string Problem)>();
        var tally = new ConcurrentDictionary<string, int>();
        var timings = new ConcurrentBag<(TimeSpan Elapsed, int Index)>();
        var repeats = 0;
        var stopwatch = Stopwatch.StartNew();
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Workers }, index =>
        {
            var @case = factory.Create(index);
            if (!TryRun(CaseRunner.ForShippedComponents(), @case, out var outcome, out var failure))
            {
                failures.Add((@case, failure));
                return;
            }
            timings.Add((outcome.Elapsed, index));
            tally.AddOrUpdate(Kind(outcome), 1, (_, n) => n + 1);
            foreach (var problem in CaseVerdict.Problems(outcome)) failures.Add((@case, problem));
            if (index % RepeatEvery != 0) return;
            Interlocked.Increment(ref repeats);
            if (!TryRun(CaseRunner.ForShippedComponents(), @case, out var again, out failure)) failures.Add((@case, "second run: " + failure));
            else if (CaseVerdict.Fingerprint(again) != CaseVerdict.Fingerprint(outcome))
                failures.Add((@case, "a second run on the same input gave different output"));
        });
        stopwatch.Stop();

        output.WriteLine($"Robustness suite: {count} cases (seed {seed}, {factory.ZooFileCount} zoo files, "
            + $"{HandwrittenModules.All.Length} handwritten modules), {repeats} run twice, {Workers} workers, "
            + $"{stopwatch.Elapsed.TotalSeconds:0.0} s.");
        foreach (var (kind, n) in tally.OrderBy(t => t.Key, StringComparer.Ordinal)) output.WriteLine($"  {n,5}  {kind}");
        foreach (var (elapsed, index) in timings.OrderByDescending(t => t.Elapsed).Take(3))
            output.WriteLine($"  slowest: {elapsed.TotalMilliseconds:0} ms, {factory.Create(index).Describe()}");
        Assert.True(failures.IsEmpty, Report(failures.OrderBy(f => f.Case.Index).ToList(), failures.Count));
    }

    /// <summary>Runs one case under the time limit; false (with why) for a hang or a cancellation.</summary>
    private static bool TryRun(CaseRunner runner, RobustnessCase @case, out CaseOutcome outcome, out string failure)
    {
        using var cancellation = new CancellationTokenSource(CaseTimeLimit);
        var run = Task.Run(() => runner.Run(@case, cancellation.Token));
        outcome = null!;
        failure = "";
        try
        {
            if (!run.Wait(CaseTimeLimit + CancellationGrace))
            {
                failure = $"hang: still running {(CaseTimeLimit + CancellationGrace).TotalSeconds} s after it started, and it ignored cancellation";
                return false;
            }
            outcome = run.Result;
            return true;
        }
        catch (AggregateException e) when (e.InnerException is OperationCanceledException)
        {
            failure = $"hang: took longer than {CaseTimeLimit.TotalSeconds} s (cancelled)";
            return false;
        }
        catch (AggregateException e)
        {
            // The driver catches what generators and analyzers throw; what escapes is a crash of the whole run.
            failure = "exception escaped the driver: " + e.InnerException;
            return false;
        }
    }

    /// <summary>How the case ended, for the tally in the test output.</summary>
    private static string Kind(CaseOutcome outcome)
    {
        if (outcome.ProfiledClasses.Count == 0) return "no [MemoryProfile] class left after the mutation";
        if (outcome.ProfiledClasses.All(c => outcome.Generated.Any(g => g.ClassName == c && g.IsComplete))) return "complete report(s)";
        var ids = outcome.AnalyzerDiagnostics.Select(d => d.Id)
            .Where(id => id.StartsWith("TBG", StringComparison.Ordinal))
            .Distinct()
            .OrderBy(id => id, StringComparer.Ordinal);
        return "a report incomplete or missing; TBG diagnostics: " + (ids.Any() ? string.Join("+", ids) : "none (only the peak-unknown note)");
    }

    private static string Report(System.Collections.Generic.IReadOnlyList<(RobustnessCase Case, string Problem)> failures, int total)
    {
        var text = new StringBuilder($"{total} problem(s) in {failures.Select(f => f.Case.Index).Distinct().Count()} case(s):\n");
        foreach (var (@case, problem) in failures.Take(15)) text.AppendLine($"- {@case.Describe()}\n  {problem}");
        foreach (var @case in failures.Select(f => f.Case).DistinctBy(c => c.Index).Take(2))
        {
            text.AppendLine($"\nSources of case {@case.Index}:");
            foreach (var source in @case.Sources) text.AppendLine($"// {source.Path}\n{source.Text}");
        }
        return text.ToString();
    }

    private static int EnvironmentNumber(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

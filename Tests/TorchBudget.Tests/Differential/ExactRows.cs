using System;
using System.Collections.Generic;
using System.Linq;

namespace TorchBudget.Tests.Differential;

/// <summary>
/// The strictest check on a model written for a test: compiled at batch 1 and one larger batch, it must train, raise no
/// TBG diagnostic but the expected ones (each of which must fire), and every training and inference row (Peak included)
/// must be predicted and equal the CPU allocation counter to the byte.
/// </summary>
internal static class ExactRows
{
    /// <summary>
    /// Both peaks of an outcome predicted and equal to the counter to the byte, not only within the fuzzer's 1 %: for rules
    /// that claim exactness (a kernel's work tensors).
    /// </summary>
    public static void AssertPeaksExact(ProgramOutcome outcome)
    {
        foreach (var table in new[] { outcome.Training, outcome.Inference })
        {
            var peak = table?.Rows.Single(r => r.Name == "Peak");
            // A process on other CPU kernels than the profile's measures a kernel-dependent peak but does not compare it.
            if (peak is { Predicted: not null, Outcome: TorchBudget.Harness.VerificationOutcome.OtherKernels }) continue;
            Xunit.Assert.True(peak is { Predicted: not null } && peak.Predicted == peak.Measured,
                $"{outcome.Program.Name}: peak {peak?.Predicted} predicted, {peak?.Measured} measured");
        }
    }

    /// <summary>
    /// A whole model as written, run for real at each batch: no mismatch, every row of both tables known, both peaks to the
    /// byte (<see cref="AssertPeaksExact"/>).
    /// </summary>
    public static void AssertModelExact(string name, string source, IEnumerable<long> batches, string origin, Action<string> log)
    {
        foreach (var batch in batches)
        {
            var o = DifferentialRunner.Run(new[] { new FuzzProgram(name, source, new[] { origin }, batch) }).Single();
            log($"{name} B={batch}: " + string.Join(" ", o.Notes));
            Xunit.Assert.Empty(o.Mismatches);
            Xunit.Assert.True(o.FullyKnown, $"{name} at {batch}: " + string.Join(" ", o.Notes));
            AssertPeaksExact(o);
        }
    }

    /// <summary>What is wrong with the model whose source names its class {0}; empty when every row is exact.</summary>
    public static List<string> Problems(string name, string source, long batch, string origin, Action<string> log,
        params string[] expectedDiagnostics) => ProblemsBut(name, source, batch, origin, log, Array.Empty<string>(), expectedDiagnostics);

    /// <summary>
    /// As <see cref="Problems(string, string, long, string, Action{string}, string[])"/>, except that the rows named in
    /// <paramref name="unknownRows"/> must be unknown (a rule the analysis declines, said so): the training table's by their
    /// names ("Peak"), the inference table's with "Inference " before them ("Inference Peak").
    /// </summary>
    public static List<string> ProblemsBut(string name, string source, long batch, string origin, Action<string> log,
        IReadOnlyCollection<string> unknownRows, params string[] expectedDiagnostics)
    {
        var programs = new[] { 1L, batch }
            .Select(b => new FuzzProgram($"{name}B{b}", source.Replace("{0}", $"{name}B{b}"), new[] { origin }, b))
            .ToList();
        var problems = new List<string>();
        foreach (var outcome in DifferentialRunner.Run(programs))
        {
            var program = outcome.Program.Name;
            if (outcome.Training is not { } training)
            {
                problems.Add($"{program} did not train: {string.Join("; ", outcome.Mismatches.Concat(outcome.Notes))}");
                continue;
            }
            problems.AddRange(outcome.Diagnostics.Where(d => d.Id.StartsWith("TBG", StringComparison.Ordinal) && !expectedDiagnostics.Contains(d.Id))
                .Select(d => $"{program}: {d}"));
            problems.AddRange(expectedDiagnostics.Where(id => outcome.Diagnostics.All(d => d.Id != id)).Select(id => $"{program}: no {id}"));
            foreach (var (row, isTraining) in training.Rows.Select(r => (r, true)).Concat(outcome.Inference!.Rows.Select(r => (r, false))))
            {
                log($"{program} {row.Name}: {row.Predicted:N0} / {row.Measured:N0}");
                if (unknownRows.Contains(isTraining ? row.Name : "Inference " + row.Name))
                {
                    if (row.Predicted is not null) problems.Add($"{program} {row.Name}: predicted {row.Predicted:N0}, expected unknown");
                }
                else if (row.Outcome == TorchBudget.Harness.VerificationOutcome.OtherKernels)
                    log($"{program} {row.Name}: not compared, this process runs {TorchBudget.Harness.HostKernels.CpuProfile()}");
                else if (row.Predicted is null)
                    problems.Add($"{program} {row.Name}: unknown, measured {row.Measured:N0} ("
                        + string.Join(" ", outcome.Notes.Where(n => n.Contains("unknown", StringComparison.Ordinal))) + ")");
                else if (row.Predicted != row.Measured)
                    problems.Add($"{program} {row.Name}: predicted {row.Predicted:N0}, measured {row.Measured:N0}");
            }
            problems.AddRange(outcome.Mismatches.Select(m => $"{program}: {m}"));
        }
        return problems;
    }
}

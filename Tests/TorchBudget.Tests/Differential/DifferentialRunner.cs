using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using TorchBudget.Harness;
using TorchBudget.Tests.Generator;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchBudget.Tests.Differential;

/// <summary>
/// Compiles generated programs together (one Roslyn compilation with the generator, one analyzer pass, one load), runs
/// each one's real training step and inference pass under the CPU allocation counter, and compares every row its
/// report claims as known: counts and the exact rows to the byte, Activations to the byte, Peak within
/// <see cref="PeakTolerance"/>. A program TorchSharp rejects must carry a shape error (TBG003, or TBG009 on the profile's input),
/// and a shape error must mean TorchSharp rejects it.
/// </summary>
internal static class DifferentialRunner
{
    /// <summary>The fuzzer's Peak tolerance (issue #14): 1%, with Adam's few scalar bytes aside.</summary>
    public const double PeakTolerance = 0.01;

    private const long ScalarSlack = 8;

    public static IReadOnlyList<ProgramOutcome> Run(IReadOnlyList<FuzzProgram> programs)
    {
        var compilation = TestCompilation.Create(programs.Select(p => TestCompilation.Usings + p.Source).ToArray());
        var (output, _, generatorDiagnostics) = TestCompilation.Generate(compilation);
        var errors = generatorDiagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error && !d.Id.StartsWith("TBG", StringComparison.Ordinal))
            .ToList();
        if (errors.Count > 0) throw new InvalidOperationException("generated programs do not compile:\n" + string.Join("\n", errors.Take(10)));
        var analysis = TestCompilation.Analyze(output);
        if (analysis.FirstOrDefault(d => d.Id is "AD0001" or "TBG900") is { } crash)
        {
            var program = programs[int.Parse(crash.Location.SourceTree!.FilePath[5..^3], System.Globalization.CultureInfo.InvariantCulture)];
            throw new InvalidOperationException($"the analysis crashed: {crash}\n{program.Source}");
        }
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        if (!emitted.Success)
            throw new InvalidOperationException("generated programs do not emit:\n" + string.Join("\n", emitted.Diagnostics.Take(10)));
        var assembly = Assembly.Load(image.ToArray());
        return programs.Select((program, i) =>
        {
            var diagnostics = analysis.Where(d => d.Location.SourceTree?.FilePath == $"Model{i}.cs").ToList();
            return Check(program, assembly.GetType(program.Name)!, diagnostics);
        }).ToList();
    }

    private static ProgramOutcome Check(FuzzProgram program, Type type, IReadOnlyList<Diagnostic> diagnostics)
    {
        var report = (MemoryReport)type.GetProperty("MemoryReport", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var shapeError = diagnostics.FirstOrDefault(d => d.Id is "TBG003" or "TBG009");
        var problems = new List<string>();
        VerificationResult? training = null, inference = null;
        nn.Module? model = null;
        try
        {
            model = Build(type, report);
            training = MemoryHarness.Verify(model, report, CPU, program.Batch);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var thrown = (e as TargetInvocationException)?.InnerException ?? e;
            // A view the analysis declined to judge (strides from a layer it did not follow) is honest, not a miss.
            var viewDeclined = diagnostics.Any(d => d.Id == "TBG004" && d.GetMessage().Contains("whether view can take", StringComparison.Ordinal));
            if (shapeError is null && !viewDeclined)
                problems.Add($"TorchSharp throws ({thrown.GetType().Name}: {FirstLine(thrown.Message)}) "
                    + $"but the report has no shape error, at {Frames(thrown)}");
            model?.Dispose();
            return new ProgramOutcome(program, report.IsComplete && report.Memory?.PeakLines is not null, problems, diagnostics)
                { Notes = report.Notes };
        }
        if (shapeError is not null && !FailsFromBatchTwo(type, report, program.Batch))
            problems.Add($"the report has a shape error ({shapeError.GetMessage()}) but TorchSharp runs the step");
        try
        {
            inference = MemoryHarness.VerifyInference(model, report, CPU, program.Batch);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A model can fail in eval mode only (a view of what a training-mode dropout made contiguous): the report must
            // then claim no inference figure (its Notes say why).
            var thrown = (e as TargetInvocationException)?.InnerException ?? e;
            if (report.Memory?.Inference?.Activations is not null)
                problems.Add($"TorchSharp throws in eval mode ({thrown.GetType().Name}: {FirstLine(thrown.Message)}) "
                    + $"but the report has an inference table, at {Frames(thrown)}");
        }
        finally
        {
            model.Dispose();
        }
        problems.AddRange(Compare("training", training));
        if (inference is not null) problems.AddRange(Compare("inference", inference));
        var lengths = program.SequenceLength is { } profiled ? OtherLengths(program, type, report, profiled, problems) : 0;
        var known = training.Rows.All(r => r.Predicted is not null) && inference is not null && inference.Rows.All(r => r.Predicted is not null);
        return new ProgramOutcome(program, known, problems, diagnostics)
        {
            Training = training, Inference = inference, Notes = report.Notes, OtherLengthsChecked = lengths,
        };
    }

    /// <summary>Built as the profile builds it: its Factory where it names one, else the parameterless constructor.</summary>
    private static nn.Module Build(Type type, MemoryReport report)
    {
        var factory = type.GetCustomAttribute<MemoryProfileAttribute>()?.Factory;
        var model = factory is null
            ? (nn.Module)Activator.CreateInstance(type)!
            : (nn.Module)type.GetMethod(factory, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!.Invoke(null, null)!;
        // Another DType is reached the way the harness asks for: .to(DType) after construction.
        return report.DType == ScalarType.Float32 ? model : model.to(report.DType);
    }

    /// <summary>
    /// A view of a tensor strided only along the batch runs at batch 1, whose stride libtorch ignores: a shape error the
    /// report gives for the profile's batches is true when the step fails at batch 2.
    /// </summary>
    private static bool FailsFromBatchTwo(Type type, MemoryReport report, long batch)
    {
        if (batch != 1) return false;
        using var model = Build(type, report);
        try { MemoryHarness.Verify(model, report, CPU, 2); }
        catch (Exception e) when (e is not OutOfMemoryException) { return true; }
        return false;
    }

    /// <summary>
    /// The training step at other sequence lengths (1, one more than profiled, twice it) wherever the report claims it:
    /// run for real, every row as at the profiled length. A claimed length TorchSharp rejects is a mismatch; a length the
    /// report does not cover (forward fixed it, said so) is skipped. Returns how many lengths were checked.
    /// </summary>
    private static int OtherLengths(FuzzProgram program, Type type, MemoryReport report, long profiled, List<string> problems)
    {
        var checkedLengths = 0;
        foreach (var length in new[] { 1, profiled + 1, 2 * profiled }.Where(t => t != profiled).Distinct())
        {
            MemoryReport atLength;
            try { atLength = report.ForSequenceLength(length); }
            catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException) { continue; }
            using var model = (nn.Module)Activator.CreateInstance(type)!;
            VerificationResult result;
            try { result = MemoryHarness.Verify(model, atLength, CPU, program.Batch); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var thrown = (e as TargetInvocationException)?.InnerException ?? e;
                problems.Add($"the report covers T = {length} but TorchSharp throws ({thrown.GetType().Name}: {FirstLine(thrown.Message)})");
                continue;
            }
            checkedLengths++;
            problems.AddRange(Compare($"T = {length} training", result));
        }
        return checkedLengths;
    }

    private static IEnumerable<string> Compare(string pass, VerificationResult result)
    {
        foreach (var row in result.Rows)
        {
            if (row.Predicted is not { } predicted || row.Measured is not { } measured) continue;
            // A peak for another kernel profile than this process runs is measured, not compared (the harness's Notes say so).
            if (row.Outcome == VerificationOutcome.OtherKernels) continue;
            var allowed = row.Name == "Peak" ? Math.Max(PeakTolerance * measured, ScalarSlack) : 0;
            if (Math.Abs(predicted - measured) > allowed)
                yield return $"{pass} {row.Name}: predicted {predicted:N0}, measured {measured:N0} "
                    + $"({(predicted - measured) / (double)Math.Max(1, measured):+0.00%;-0.00%})";
        }
        foreach (var layer in result.Layers.Where(l => l.Outcome == VerificationOutcome.Failed))
            yield return $"{pass} layer {layer.Layer}: predicted {layer.Predicted}, observed {layer.Observed ?? "nothing"}";
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    /// <summary>Where a throw came from, in the few frames that tell (a native throw with no shape error is rare).</summary>
    private static string Frames(Exception e) =>
        string.Join(" < ", (e.StackTrace ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Take(4));
}

/// <summary>What checking one program found: mismatches (none when the report is true) and whether every row was known.</summary>
internal sealed record ProgramOutcome(FuzzProgram Program, bool FullyKnown, IReadOnlyList<string> Mismatches, IReadOnlyList<Diagnostic> Diagnostics)
{
    public VerificationResult? Training { get; init; }

    public VerificationResult? Inference { get; init; }

    /// <summary>Sequence lengths other than the profiled one whose training rows were checked (sequence programs only).</summary>
    public int OtherLengthsChecked { get; init; }

    /// <summary>The report's Notes (why a row is unknown, among others).</summary>
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();

    /// <summary>The first TBG004 (why a row is unknown), for the tally.</summary>
    public string? UnknownBecause => Diagnostics.FirstOrDefault(d => d.Id == "TBG004")?.GetMessage();
}

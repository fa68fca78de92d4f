using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using TorchBudget.Tests.Harness;
using TorchBudget.Tests.Zoo;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Measurement;

/// <summary>
/// Every known row of every zoo model's inference table (eval, no_grad, inside a DisposeScope) against what TorchSharp
/// really allocates (the allocation tracker's <c>infer</c> measurement), at two batch sizes in the model's own dtype:
/// Parameters, Buffers, Input and Activations to the byte, Peak within 5%. Unknown rows must be said so in the Notes.
/// </summary>
public class InferenceTableTests(ITestOutputHelper output)
{
    private const double PeakTolerance = 0.05;
    private static readonly long[] BatchSizes = { 1, 2, 4 };

    public static TheoryData<Type, long> Cases()
    {
        var cases = new TheoryData<Type, long>();
        foreach (var model in ZooModels.Types)
        {
            foreach (var batch in BatchSizes) cases.Add(model, batch);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Known_inference_rows_equal_the_measured_bytes(Type model, long batch)
    {
        var (report, inference, measured) = Measure(model, batch);
        Assert.Equal(measured.Parameters, report.Memory!.ParameterBytes);
        Assert.Equal(measured.Buffers, report.Memory.BufferBytes);
        Assert.Equal(measured.Input, inference.InputBytesPerSample * batch);
        if (inference.Activations is not { } activations)
        {
            Assert.Throws<InvalidOperationException>(() => report.ForInference(batch));
            Assert.Contains(report.Notes,
                n => n.Contains("Not analyzed", StringComparison.Ordinal) || n.StartsWith("Inference", StringComparison.Ordinal));
            return;
        }
        Assert.Equal(measured.ActivationsAfterForward, activations.At(batch));
        if (inference.PeakLines is null)
        {
            Assert.Contains(report.Notes, n => n.StartsWith("Inference peak is unknown", StringComparison.Ordinal));
            return;
        }
        var rows = report.ForInference(batch);
        Assert.Equal(measured.Input, rows.Input);
        if (!HostProfile.Holds(report)) return;
        var error = RelativeError(rows.Peak, measured.PeakOfTableRows);
        Assert.True(Math.Abs(error) <= PeakTolerance,
            $"{model.Name} at B={batch}: predicted inference peak {rows.Peak:N0}, measured {measured.PeakOfTableRows:N0} ({error:P2})");
    }

    /// <summary>What the inference table covers and its worst peak error, printed for the CI log and README.</summary>
    [Fact]
    public void Inference_coverage_and_worst_peak_error()
    {
        var lines = new List<string>();
        var worst = 0.0;
        var (activationsKnown, peaksKnown, total) = (0, 0, 0);
        foreach (var model in ZooModels.Types)
        {
            foreach (var batch in BatchSizes)
            {
                var (report, inference, measured) = Measure(model, batch);
                total++;
                var activations = inference.Activations is null ? (long?)null : inference.ActivationsAt(batch);
                if (activations is not null) activationsKnown++;
                var peak = inference.PeakLines is null ? (long?)null : inference.PeakAt(batch);
                if (peak is not null) peaksKnown++;
                var error = peak is { } p ? RelativeError(p, measured.PeakOfTableRows) : (double?)null;
                if (error is { } e && HostProfile.Holds(report)) worst = Math.Max(worst, Math.Abs(e));
                lines.Add($"{model.Name,-28} B={batch}  activations {Text(activations),11} measured {measured.ActivationsAfterForward,11:N0}  "
                    + $"peak {Text(peak),13} measured {measured.PeakOfTableRows,13:N0}  {(error is { } x ? x.ToString("+0.000%;-0.000%") : "")}");
            }
        }
        output.WriteLine($"Inference: Activations known for {activationsKnown}/{total} cases (exact where known); "
            + $"Peak known for {peaksKnown}/{total}; worst peak error {worst:P3}");
        foreach (var line in lines) output.WriteLine(line);
        Assert.True(worst <= PeakTolerance);
    }

    private static string Text(long? bytes) => bytes is { } b ? b.ToString("N0") : "unknown";

    private static (MemoryReport Report, InferenceModel Inference, MeasuredInference Measured) Measure(Type model, long batch)
    {
        var report = (MemoryReport)model.GetProperty("MemoryReport", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var inference = report.Memory?.Inference
            ?? throw new InvalidOperationException($"{model.Name} has no inference model: {string.Join(" ", report.Notes)}");
        var measured = MeasuredInference.Measure(model.Name, batch, report.DType.ToString());
        return (report, inference, measured);
    }

    private static double RelativeError(long predicted, long measured) => (predicted - measured) / (double)measured;
}

using System;
using System.Collections.Generic;
using System.Linq;
using TorchBudget.Harness;
using TorchBudget.Tests.Reporting;
using TorchBudget.Tests.Zoo;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Harness;

/// <summary>
/// <see cref="MemoryReport.Measure"/>: a report from real steps for any module. On every zoo model it must agree with the
/// generated report wherever both know a row at the batches it measured; and what the
/// runtime does with reports (Markdown, HTML, the harness, the finder, MaxBatchSize) it does with a measured one.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class MeasureTests(ITestOutputHelper output)
{

    [Theory]
    [MemberData(nameof(ZooTheory.Models), MemberType = typeof(ZooTheory))]
    public void Measured_rows_agree_with_the_generated_reports_known_rows(Type type)
    {
        var generated = ReportFixtures.Of(type);
        using var model = ZooModels.Create(type);
        var measured = MemoryReport.Measure(model, generated.InputShape.ToArray(), OptionsOf(generated));
        output.WriteLine(measured.ToMarkdown());

        Assert.True(measured.IsMeasured);
        // 4 checks that the peak is one line between the two largest.
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, measured.MeasuredBatches);
        Assert.Equal((generated.ParameterCount, generated.TrainableParameterCount, generated.BufferElements),
            (measured.ParameterCount, measured.TrainableParameterCount, measured.BufferElements));
        var compared = 0;
        var problems = new List<string>();
        foreach (var batch in measured.MeasuredBatches)
        {
            if (generated.TryForBatch(batch, out var g) && measured.TryForBatch(batch, out var m))
            {
                compared++;
                foreach (var (row, a, b) in new[]
                {
                    ("Parameters", g.Parameters, m.Parameters), ("Buffers", g.Buffers, m.Buffers), ("Gradients", g.Gradients, m.Gradients),
                    ("OptimizerState", g.OptimizerState, m.OptimizerState), ("Input", g.Input, m.Input),
                    ("Activations", g.Activations, m.Activations),
                })
                {
                    if (a != b) problems.Add($"batch {batch} {row}: generated {a:N0}, measured {b:N0}");
                }
                // The generated Peak's stated accuracy (the harness's CPU tolerance); most agree to the byte.
                if (HostProfile.Holds(generated) && Math.Abs(g.Peak - m.Peak) > g.Peak * MemoryHarness.CpuPeakTolerance)
                    problems.Add($"batch {batch} Peak: generated {g.Peak:N0}, measured {m.Peak:N0}");
            }
            if (generated.TryForInference(batch, out var gi) && measured.TryForInference(batch, out var mi))
            {
                if ((gi.Input, gi.Activations) != (mi.Input, mi.Activations))
                    problems.Add($"batch {batch} inference: generated {gi.Input:N0}/{gi.Activations:N0}, measured {mi.Input:N0}/{mi.Activations:N0}");
                if (HostProfile.Holds(generated) && Math.Abs(gi.Peak - mi.Peak) > gi.Peak * MemoryHarness.CpuPeakTolerance)
                    problems.Add($"batch {batch} inference Peak: generated {gi.Peak:N0}, measured {mi.Peak:N0}");
            }
        }
        output.WriteLine($"{compared} batches compared");
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + string.Join("\n", measured.Notes));
    }

    [Fact]
    public void A_model_the_generator_cannot_read_gets_a_table_the_harness_verifies()
    {
        // A plain Sequential, never profiled: no generated report exists for it.
        using var model = Sequential(("fc1", Linear(10, 32)), ("act", ReLU()), ("fc2", Linear(32, 3)));
        var report = MemoryReport.Measure(model, new long[] { 10 });
        output.WriteLine(report.ToMarkdown());

        Assert.True(report.IsComplete, string.Join("\n", report.Notes));
        Assert.StartsWith("Measured, not predicted", report.Notes[0], StringComparison.Ordinal);
        Assert.Equal(10 * 32 + 32 + 32 * 3 + 3, report.ParameterCount);
        Assert.Equal("[B, 32]", report.Layers.Single(l => l.Name == "fc1").OutputShape?.ToString());
        Assert.Equal(352, report.Layers.Single(l => l.Name == "fc1").ParameterCount);
        var verification = MemoryHarness.Verify(model, report, torch.CPU, 7);
        output.WriteLine(verification.ToString());
        Assert.True(verification.Passed, verification.ToString());
        Assert.Contains("data-row=\"peak\"", report.ToHtml(1L << 20), StringComparison.Ordinal);
    }

    [Fact]
    public void MaxBatchSize_on_a_measured_report_is_what_real_steps_confirm()
    {
        using var model = new SimpleCnn();
        var report = MemoryReport.Measure(model, new long[] { 3, 32, 32 });
        const long Budget = 6L << 20;
        var confirmed = report.MaxBatchSize(Budget);
        Assert.True(confirmed > 1);
        // The finder's real steps agree: the recommended batch is the largest whose measured peak fits 80%.
        var search = BatchSizeFinder.Find(model, report, torch.CPU, Budget);
        Assert.Equal(search.RecommendedBatchSize, confirmed);
        Assert.True(report.ForBatch(confirmed).Peak <= Budget * 0.8m);
    }

    [Fact]
    public void A_dtype_option_the_model_does_not_have_is_an_argument_error_and_one_it_has_is_the_reports()
    {
        using var model = Sequential(Linear(4, 2));
        var error = Assert.Throws<ArgumentException>(() =>
            MemoryReport.Measure(model, new long[] { 4 }, new MeasureOptions { DType = ScalarType.Float64 }));
        Assert.Contains("convert the model with .to(Float64) first", error.Message, StringComparison.Ordinal);
        model.to(ScalarType.Float64);
        var report = MemoryReport.Measure(model, new long[] { 4 },
            new MeasureOptions { DType = ScalarType.Float64, InputDType = ScalarType.Float64, BatchSizes = new long[] { 2, 3 } });
        Assert.Equal(ScalarType.Float64, report.DType);
        Assert.Equal(10 * 8, report.ForBatch(2).Parameters);
        Assert.True(MemoryHarness.Verify(model, report, torch.CPU, 3).Passed);
    }

    [Fact]
    public void Where_the_process_cannot_measure_the_device_the_memory_is_unknown_not_an_exception()
    {
        Assert.False(torch.cuda.is_available()); // this test is about a machine without CUDA
        using var model = Sequential(Linear(4, 2));
        var report = MemoryReport.Measure(model, new long[] { 4 }, new MeasureOptions { Device = new Device(DeviceType.CUDA, 0) });
        Assert.Null(report.Memory);
        Assert.False(report.IsMeasured);
        Assert.Contains(report.Notes, n => n.StartsWith("Memory is unknown: this process cannot measure cuda", StringComparison.Ordinal));
        Assert.Equal(10, report.ParameterCount);
        Assert.False(report.TryForBatch(1, out _));
    }

    private static MeasureOptions OptionsOf(MemoryReport generated) => new()
    {
        InputDType = generated.InputDType,
        Optimizer = generated.Optimizer,
        OptimizerParameters = generated.OptimizerParameters,
        Loss = generated.Loss,
        LossOutput = generated.LossOutput,
        FurtherInputs = generated.Inputs.Where(i => i.Position > 0).ToList(),
        ForwardArguments = generated.ForwardArguments,
        // Small batches keep the 26 models' measurements short (ResNet-18 runs 224×224 images).
        BatchSizes = new long[] { 1, 2, 3, 5 },
    };
}

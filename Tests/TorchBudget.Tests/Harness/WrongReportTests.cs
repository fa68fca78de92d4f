using System;
using System.Linq;
using TorchBudget.Harness;
using TorchBudget.Samples.Models;
using TorchSharp;
using Xunit;

namespace TorchBudget.Tests.Harness;

/// <summary>A report that is wrong must fail: one altered figure at a time, the rest left true.</summary>
[Collection(HarnessCollection.Name)]
public sealed class WrongReportTests
{
    private static readonly MemoryReport True = CifarMlp.MemoryReport;

    [Fact]
    public void The_true_report_passes() => Assert.True(Verify(True).Passed);

    [Theory]
    [InlineData("Activations")]
    [InlineData("Parameters")]
    [InlineData("OptimizerState")]
    [InlineData("Peak")]
    public void One_byte_row_altered_fails_that_row(string row)
    {
        var memory = True.Memory!;
        // Peak is checked within 5%: move it by 10%; the exact rows by a single element's bytes.
        var peak = memory.PeakLines!
            .Select(line => row == "Peak" ? new ByteFormula(line.Constant * 11 / 10, line.PerSample * 11 / 10, line.Rounded.ToArray()) : line)
            .ToArray();
        var activations = memory.Activations!;
        var altered = new MemoryModel(
            memory.ParameterBytes + (row == "Parameters" ? 4 : 0),
            memory.BufferBytes,
            memory.GradientBytes,
            memory.OptimizerStateBytes + (row == "OptimizerState" ? 4 : 0),
            memory.InputBytesPerSample,
            new ByteFormula(activations.Constant, activations.PerSample + (row == "Activations" ? 4 : 0), activations.Rounded.ToArray()),
            peak);
        var result = Verify(With(True, altered, True.Layers.ToArray()));

        Assert.False(result.Passed);
        Assert.Equal(new[] { row }, result.Rows.Where(r => r.Outcome == VerificationOutcome.Failed).Select(r => r.Name));
    }

    [Fact]
    public void An_altered_layer_shape_fails_that_layer()
    {
        var layers = True.Layers
            .Select(l => l.Name == "layers.1"
                ? new LayerReport(l.Name, l.Kind, l.ParameterCount, l.TrainableParameterCount, l.BufferElements, "[B, 129]",
                    l.ActivationBytesPerSample)
                : l)
            .ToArray();
        Assert.Contains(True.Layers, l => l.Name == "layers.1" && l.OutputShape?.ToString() == "[B, 128]");
        var result = Verify(With(True, True.Memory!, layers));

        Assert.False(result.Passed);
        var failed = Assert.Single(result.Layers, l => l.Outcome == VerificationOutcome.Failed);
        Assert.Equal("layers.1", failed.Layer);
        Assert.Equal("[4, 128]", failed.Observed);
    }

    private static VerificationResult Verify(MemoryReport report)
    {
        using var model = new CifarMlp();
        return MemoryHarness.Verify(model, report, torch.CPU, 4);
    }

    private static MemoryReport With(MemoryReport report, MemoryModel memory, LayerReport[] layers) => new(
        report.ModelName, report.InputShape.ToArray(), report.DType, report.InputDType, report.Optimizer, report.BatchSizes.ToArray(),
        report.ParameterCount, report.TrainableParameterCount, report.BufferElements, report.IsComplete, report.Notes.ToArray(),
        layers, report.OutputShape?.ToString(), memory);
}

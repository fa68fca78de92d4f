using System;
using System.Linq;
using System.Reflection;
using TorchBudget.Harness;
using TorchBudget.Samples.Models;
using TorchBudget.Tests.Zoo;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Harness;

/// <summary>
/// <see cref="MemoryHarness.VerifyInference"/> on the CPU: every zoo model's inference table holds against a real
/// inference pass (eval, no_grad, DisposeScope), and a wrong inference table fails the row it got wrong.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class InferenceVerificationTests(ITestOutputHelper output)
{

    [Theory]
    [MemberData(nameof(ZooTheory.Models), MemberType = typeof(ZooTheory))]
    public void Every_predicted_inference_row_of_the_zoo_model_holds_on_the_cpu(Type modelType)
    {
        var report = (MemoryReport)modelType.GetProperty("MemoryReport", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        using var model = ZooModels.Create(modelType);
        var wasTraining = model.training;
        var result = MemoryHarness.VerifyInference(model, report, torch.CPU, 3);
        output.WriteLine(result.ToString());

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(wasTraining, model.training);
        foreach (var row in new[] { "Parameters", "Buffers", "Input" })
            Assert.Equal(VerificationOutcome.Passed, result.Rows.Single(r => r.Name == row).Outcome);
        // Where the table knows the activations, the harness checked them (and the peak, where known).
        if (report.Memory!.Inference!.Activations is not null)
            Assert.Equal(VerificationOutcome.Passed, result.Rows.Single(r => r.Name == "Activations").Outcome);
        // A peak sized by kernels this process does not run is measured, not compared.
        if (!HostProfile.Holds(report) && report.Memory.Inference.PeakLines is not null)
            Assert.Equal(VerificationOutcome.OtherKernels, result.Rows.Single(r => r.Name == "Peak").Outcome);
    }

    [Theory]
    [InlineData("Activations")]
    [InlineData("Input")]
    [InlineData("Peak")]
    public void An_altered_inference_row_fails_that_row(string row)
    {
        // An MLP: its peak follows no kernel profile, so the harness compares it on any CPU.
        var truth = MnistMlp.MemoryReport;
        var memory = truth.Memory!;
        var inference = memory.Inference!;
        var activations = inference.Activations!;
        var altered = new InferenceModel(
            inference.InputBytesPerSample + (row == "Input" ? 4 : 0),
            new ByteFormula(activations.Constant, activations.PerSample + (row == "Activations" ? 4 : 0), activations.Rounded.ToArray()),
            inference.PeakLines!
                .Select(l => row == "Peak" ? new ByteFormula(l.Constant * 11 / 10, l.PerSample * 11 / 10, l.Rounded.ToArray()) : l)
                .ToArray(),
            inference.PeakAtBatchOne is { } one && row == "Peak" ? one * 11 / 10 : inference.PeakAtBatchOne,
            inference.LargerBatchPeaks.ToArray());
        var report = new MemoryReport(truth.ModelName, truth.InputShape.ToArray(), truth.DType, truth.InputDType, truth.Optimizer,
            truth.BatchSizes.ToArray(), truth.ParameterCount, truth.TrainableParameterCount, truth.BufferElements, truth.IsComplete,
            truth.Notes.ToArray(), truth.Layers.ToArray(), truth.OutputShape?.ToString(),
            new MemoryModel(memory.ParameterBytes, memory.BufferBytes, memory.GradientBytes, memory.OptimizerStateBytes, memory.InputBytesPerSample,
                memory.Activations, memory.PeakLines?.ToArray(), memory.PeakAtBatchOne, memory.LargerBatchPeaks.ToArray(),
                memory.ActivationsAtBatchOne, altered));
        using var model = new MnistMlp();
        Assert.True(MemoryHarness.VerifyInference(model, truth, torch.CPU, 4).Passed);

        var result = MemoryHarness.VerifyInference(model, report, torch.CPU, 4);

        Assert.False(result.Passed);
        Assert.Equal(new[] { row }, result.Rows.Where(r => r.Outcome == VerificationOutcome.Failed).Select(r => r.Name));
    }
}

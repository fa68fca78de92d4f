using System.Linq;
using TorchBudget.Harness;
using TorchBudget.Tests.Harness;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Parametric;

/// <summary>
/// MemoryReportFor's rows against a real training step of the module built from the same arguments: the harness
/// measures parameters, buffers, gradients, the optimizer's state_dict, the input, and the activations with the CPU
/// allocation counter (exact), and finds the peak not predicted. The input shape stays the profiled one, so the
/// arguments keep the input width.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class ParametricHarnessTests(ITestOutputHelper output)
{
    /// <param name="activations">
    /// Passed where forward follows the sizes (the MLPs: only their input width is fixed, by [MemoryProfile]'s input
    /// shape; a convolution net whose depth varies and whose channels do not); NotPredicted where a layer reads a width
    /// concretely (oneDNN's blocked convolutions pin the channels).
    /// </param>
    [Theory]
    [InlineData("StackedMlp(32, 256, 5, 10)", VerificationOutcome.Passed, VerificationOutcome.Passed)]
    [InlineData("CifarMlp(3072, 512, 10)", VerificationOutcome.Passed, VerificationOutcome.Passed)]
    [InlineData("ResidualMlp(64, 1.5, 7)", VerificationOutcome.Passed, VerificationOutcome.Passed)]
    [InlineData("DepthScaledConvNet(6, 10)", VerificationOutcome.Passed, VerificationOutcome.Passed)]
    [InlineData("WidthScaledConvNet(16, 5, 3)", VerificationOutcome.NotPredicted, VerificationOutcome.NotPredicted)]
    public void Every_predicted_row_holds_against_a_real_training_step(string name, VerificationOutcome activations, VerificationOutcome peak)
    {
        var @case = ParametricCases.All[name];
        using var model = @case.Create();
        var report = @case.MemoryReportFor();
        var result = MemoryHarness.Verify(model, report, torch.CPU, 2);
        output.WriteLine(result.ToString());
        // On a machine that runs other kernels than the table's, a kernel-dependent peak is measured, not compared.
        if (peak == VerificationOutcome.Passed && !HostProfile.Holds(report)) peak = VerificationOutcome.OtherKernels;

        Assert.True(result.Passed, result.ToString());
        foreach (var row in new[] { "ParameterCount", "TrainableParameterCount", "Parameters", "Buffers", "Gradients", "OptimizerState", "Input" })
            Assert.Equal(VerificationOutcome.Passed, result.Rows.Single(r => r.Name == row).Outcome);
        Assert.Equal(activations, result.Rows.Single(r => r.Name == "Activations").Outcome);
        var peakRow = result.Rows.Single(r => r.Name == "Peak");
        Assert.Equal(peak, peakRow.Outcome);
        // Where it is predicted, the peak is the profiled tables' own accuracy: within Adam's few scalar bytes.
        if (peak == VerificationOutcome.Passed) Assert.InRange(peakRow.Predicted!.Value - peakRow.Measured!.Value, -16, 16);
    }

    /// <summary>A table at other sizes is for the same kernels as the profiled one.</summary>
    [Fact]
    public void Tables_at_other_sizes_keep_the_kernel_profile()
    {
        foreach (var (name, @case) in ParametricCases.All)
        {
            var report = @case.MemoryReportFor();
            Assert.True(report.KernelProfile == "CPU AVX-512, 2 threads", $"{name}: {report.KernelProfile}");
        }
    }

    /// <summary>
    /// At batch 1 the small convolutions run ATen's im2col kernels, so batch 1 has figures of its own: MemoryReportFor
    /// carries them too, from batch 1's own symbolic pass.
    /// </summary>
    [Fact]
    public void Batch_one_figures_hold_where_batch_one_runs_other_kernels()
    {
        var @case = ParametricCases.All["DepthScaledConvNet(6, 10)"];
        using var model = @case.Create();
        var report = @case.MemoryReportFor();
        Assert.NotNull(report.Memory!.PeakAtBatchOne);
        var result = MemoryHarness.Verify(model, report, torch.CPU, 1);
        output.WriteLine(result.ToString());

        Assert.Equal(VerificationOutcome.Passed, result.Rows.Single(r => r.Name == "Activations").Outcome);
        var peak = result.Rows.Single(r => r.Name == "Peak");
        Assert.Equal(HostProfile.Holds(report) ? VerificationOutcome.Passed : VerificationOutcome.OtherKernels, peak.Outcome);
        if (HostProfile.Holds(report)) Assert.InRange(peak.Predicted!.Value - peak.Measured!.Value, -16, 16);
    }
}

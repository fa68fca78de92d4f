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
    /// shape); NotPredicted where a layer reads a width concretely (oneDNN's blocked convolutions pin the channels).
    /// </param>
    [Theory]
    [InlineData("StackedMlp(32, 256, 5, 10)", VerificationOutcome.Passed, VerificationOutcome.Passed)]
    [InlineData("CifarMlp(3072, 512, 10)", VerificationOutcome.Passed, VerificationOutcome.Passed)]
    [InlineData("ResidualMlp(64, 1.5, 7)", VerificationOutcome.Passed, VerificationOutcome.Passed)]
    [InlineData("WidthScaledConvNet(16, 5, 3)", VerificationOutcome.NotPredicted, VerificationOutcome.NotPredicted)]
    public void Every_predicted_row_holds_against_a_real_training_step(string name, VerificationOutcome activations, VerificationOutcome peak)
    {
        var @case = ParametricCases.All[name];
        using var model = @case.Create();
        var result = MemoryHarness.Verify(model, @case.MemoryReportFor(), torch.CPU, 2);
        output.WriteLine(result.ToString());

        Assert.True(result.Passed, result.ToString());
        foreach (var row in new[] { "ParameterCount", "TrainableParameterCount", "Parameters", "Buffers", "Gradients", "OptimizerState", "Input" })
            Assert.Equal(VerificationOutcome.Passed, result.Rows.Single(r => r.Name == row).Outcome);
        Assert.Equal(activations, result.Rows.Single(r => r.Name == "Activations").Outcome);
        var peakRow = result.Rows.Single(r => r.Name == "Peak");
        Assert.Equal(peak, peakRow.Outcome);
        // Where it is predicted, the peak is the profiled tables' own accuracy: within Adam's few scalar bytes.
        if (peak == VerificationOutcome.Passed) Assert.InRange(peakRow.Predicted!.Value - peakRow.Measured!.Value, -16, 16);
    }
}

using System.Linq;
using TorchBudget.Harness;
using TorchBudget.Tests.Harness;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Parametric;

/// <summary>
/// MemoryReportFor's rows against a real training step of the module built from the same arguments: the harness
/// measures parameters, buffers, gradients, the optimizer's state_dict and the input, and finds the forward rows
/// not predicted (they are unknown away from the profiled arguments). The input shape stays the profiled one, so the
/// arguments keep the input width.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class ParametricHarnessTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("StackedMlp(32, 256, 5, 10)")]
    [InlineData("WidthScaledConvNet(16, 5, 3)")]
    [InlineData("ResidualMlp(64, 1.5, 7)")]
    public void Every_predicted_row_holds_against_a_real_training_step(string name)
    {
        var @case = ParametricCases.All[name];
        using var model = @case.Create();
        var result = MemoryHarness.Verify(model, @case.MemoryReportFor(), torch.CPU, 2);
        output.WriteLine(result.ToString());

        Assert.True(result.Passed, result.ToString());
        foreach (var row in new[] { "ParameterCount", "TrainableParameterCount", "Parameters", "Buffers", "Gradients", "OptimizerState", "Input" })
            Assert.Equal(VerificationOutcome.Passed, result.Rows.Single(r => r.Name == row).Outcome);
        Assert.Equal(VerificationOutcome.NotPredicted, result.Rows.Single(r => r.Name == "Activations").Outcome);
    }
}

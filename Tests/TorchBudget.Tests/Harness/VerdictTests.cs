using System;
using System.Linq;
using TorchBudget.Harness;
using TorchBudget.Tests.Zoo;
using TorchSharp;
using Xunit;

namespace TorchBudget.Tests.Harness;

/// <summary>
/// Verify's three verdicts, and the layers a custom forward runs with forward() (MnistMlp runs all four so): no hook
/// sees them, so each is called on its own on its predicted input and must return its predicted shape.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class VerdictTests
{
    private static readonly MemoryReport True = MnistMlp.MemoryReport;

    [Fact]
    public void Layers_run_with_forward_are_called_on_their_own_and_pass()
    {
        var result = Verify(True);

        Assert.Equal(VerificationVerdict.Passed, result.Verdict);
        Assert.Equal(4, result.Layers.Count);
        Assert.All(result.Layers, l =>
        {
            Assert.Equal(VerificationOutcome.Passed, l.Outcome);
            Assert.StartsWith("called on its own", l.Method, StringComparison.Ordinal);
        });
        Assert.Contains(result.Layers, l => l.Layer == "fc2" && l.Observed == "[4, 10]");
    }

    [Fact]
    public void A_wrong_shape_that_forward_made_elsewhere_still_fails()
    {
        // fc1 makes a [B, 128] tensor: a check that looked for the shape among forward's tensors passed this.
        var result = Verify(WithLayer("fc2",
            l => Layer(l, l.OutputShape!.ToString().Replace("10", "128", StringComparison.Ordinal), l.InputShape?.ToString())));

        Assert.Equal(VerificationVerdict.Failed, result.Verdict);
        var failed = Assert.Single(result.Layers, l => l.Outcome == VerificationOutcome.Failed);
        Assert.Equal(("fc2", "[4, 128]", "[4, 10]"), (failed.Layer, failed.Predicted, failed.Observed));
        Assert.Contains(": FAILED", result.ToString().Split('\n')[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_input_shape_fails_with_what_the_layer_threw()
    {
        var result = Verify(WithLayer("fc2", l => Layer(l, l.OutputShape?.ToString(), "[B, 64]")));

        var failed = Assert.Single(result.Layers, l => l.Outcome == VerificationOutcome.Failed);
        Assert.Equal("fc2", failed.Layer);
        Assert.Null(failed.Observed);
        Assert.Contains("throws", failed.Method, StringComparison.Ordinal);
        Assert.False(result.Passed);
    }

    [Fact]
    public void Nothing_comparable_is_inconclusive_not_passed()
    {
        var layers = True.Layers.Select(l => new LayerReport(l.Name, l.Kind, null, null, null, null, null)).ToArray();
        var report = new MemoryReport(True.ModelName, True.InputShape.ToArray(), True.DType, True.InputDType, True.Optimizer,
            True.BatchSizes.ToArray(), null, null, null, false, new[] { "nothing known" }, layers, null, null);

        var result = Verify(report);

        Assert.Equal(VerificationVerdict.Inconclusive, result.Verdict);
        Assert.False(result.Passed);
        Assert.Contains("INCONCLUSIVE", result.ToString().Split('\n')[0], StringComparison.Ordinal);
    }

    private static MemoryReport WithLayer(string name, Func<LayerReport, LayerReport> change) => new(
        True.ModelName, True.InputShape.ToArray(), True.DType, True.InputDType, True.Optimizer, True.BatchSizes.ToArray(),
        True.ParameterCount, True.TrainableParameterCount, True.BufferElements, True.IsComplete, True.Notes.ToArray(),
        True.Layers.Select(l => l.Name == name ? change(l) : l).ToArray(), True.OutputShape?.ToString(), True.Memory);

    private static LayerReport Layer(LayerReport l, string? output, string? input) => new(
        l.Name, l.Kind, l.ParameterCount, l.TrainableParameterCount, l.BufferElements, output, l.ActivationBytesPerSample,
        l.MultiplyAccumulatesPerSample, input, l.InputElementType);

    private static VerificationResult Verify(MemoryReport report)
    {
        using var model = new MnistMlp();
        return MemoryHarness.Verify(model, report, torch.CPU, 4);
    }
}

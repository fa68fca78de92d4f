using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// clamp, clamp_min and clamp_max by numbers, as VAEs clamp a log-variance and RWKV-style mixes clamp keys: a result of
/// the input's size, the input kept, backward a Bool mask per bound, a 0-d zero and the gradient. Every row of both
/// tables against the allocation counter at batch 1 and another, with clamp's backward at the step's peak too.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class ClampTests(ITestOutputHelper output)
{
    private static readonly string Template = OpModel.Template(width: 12, headFeatures: 72);

    private static readonly string AtThePeak = OpModel.Template(width: 96, headFeatures: 6);

    [Theory]
    [InlineData("ClampBoth", "var y = h.clamp(-0.5, 0.5).exp();", 3)]
    [InlineData("ClampMin", "var y = h.clamp_min(0.1) * h;", 2)]
    [InlineData("ClampMax", "var y = torch.clamp(h, max: 0.3).sigmoid();", 3)]
    [InlineData("ClampTransposedFlattened", "var y = h.transpose(1, 2).clamp_min(0.0).reshape(h.shape[0], 6, 12);", 2)]
    [InlineData("LogVarianceClamp", "var y = h + torch.exp(0.5 * h.clamp(-30.0, 20.0)) * torch.randn_like(h);", 2)]
    public void Every_row_matches_the_counter(string name, string statements, long batch) =>
        OpModel.AssertExact(output, Template, name, statements, batch, "clamp");

    [Theory]
    [InlineData("ClampPeak", "var y = h.clamp(-1, 1).narrow(2, 95, 1).contiguous();", 3)]
    [InlineData("ClampTransposedPeak", "var y = h.transpose(1, 2).clamp_min(0.0).reshape(h.shape[0], 6, 96).mean(new long[] { -1 });", 3)]
    [InlineData("ClampMinPeak", "var y = h.clamp_min(0).mean(new long[] { -1 });", 2)]
    public void Backward_at_the_peak_matches_the_counter(string name, string statements, long batch) =>
        OpModel.AssertExact(output, AtThePeak, name, statements, batch, "clamp");

    [Fact]
    public void A_strided_incoming_gradient_leaves_the_peaks_unknown() =>
        OpModel.AssertExact(output, Template, "ClampGradientStrided", "var y = h.transpose(1, 2).clamp(-0.5, 0.5).transpose(1, 2) * 2;", 3,
            "clamp", new[] { "Peak" });
}

using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// x.cumsum(dim): a new contiguous tensor that keeps nothing; backward reverses the cumulative sum (flip, cumsum, flip),
/// or hands the gradient on along a dimension of one. Compiled and run for real: every row equals the allocation counter
/// at batch 1 and another, with the step's peak in cumsum's backward too.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class CumsumTests(ITestOutputHelper output)
{
    private static readonly string Template = OpModel.Template(width: 12, headFeatures: 72);

    private static readonly string AtThePeak = OpModel.Template(width: 96, headFeatures: 6);

    [Theory]
    [InlineData("CumsumFeatures", "var y = h.cumsum(2).relu();", 3)]
    [InlineData("CumsumPositions", "var y = h.cumsum(1) * h;", 2)]
    [InlineData("CumsumTransposed", "var y = h.transpose(1, 2).cumsum(-1).tanh();", 3)]
    [InlineData("CumsumOfOne", "var y = h.unsqueeze(2).cumsum(2).squeeze(2).sigmoid();", 4)]
    public void Every_row_matches_the_counter(string name, string statements, long batch) =>
        OpModel.AssertExact(output, Template, name, statements, batch, "cumsum");

    [Theory]
    [InlineData("CumsumPeak", "var y = h.cumsum(-1).narrow(2, 95, 1).contiguous();", 3)]
    [InlineData("CumsumPeakPositions", "var y = torch.cumsum(h, 1).mean(new long[] { -1 });", 2)]
    public void Backward_at_the_peak_matches_the_counter(string name, string statements, long batch) =>
        OpModel.AssertExact(output, AtThePeak, name, statements, batch, "cumsum");

    [Fact]
    public void Along_the_batch_the_peak_is_unknown() =>
        OpModel.AssertExact(output, Template, "CumsumBatch", "var y = h.cumsum(0);", 3, "cumsum", new[] { "Peak", "Inference Peak" });
}

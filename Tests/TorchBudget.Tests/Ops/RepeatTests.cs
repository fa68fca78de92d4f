using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// x.repeat(sizes): one new contiguous tensor that keeps nothing; backward sums the repeats into one tensor of the
/// input's size (or hands the gradient on where nothing repeats). Over new leading dimensions, or with a gradient that
/// arrives strided, the training Peak is unknown, said so. Compiled and run for real: every row equals the allocation counter at batch 1 and another.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class RepeatTests(ITestOutputHelper output)
{
    private static readonly string Template = OpModel.Template(width: 12, headFeatures: 72);

    [Theory]
    [InlineData("RepeatPositions", "var y = h[.., ..3, ..].repeat(1, 2, 1).relu();", 3)]
    [InlineData("RepeatFeatures", "var y = h[.., .., ..4].repeat(1, 1, 3) * h;", 2)]
    [InlineData("RepeatTwoDims", "var y = h[.., ..2, ..6].repeat(1, 3, 2).tanh();", 3)]
    [InlineData("RepeatBatch", "var y = h.repeat(2, 1, 1).view(2, -1, 72).mean(new long[] { 0 });", 2)]
    [InlineData("RepeatOnce", "var y = h.repeat(1, 1, 1).exp();", 3)]
    public void Every_row_matches_the_counter(string name, string statements, long batch) =>
        OpModel.AssertExact(output, Template, name, statements, batch, "repeat");

    [Fact]
    public void A_gradient_arriving_strided_leaves_the_training_peak_unknown() =>
        OpModel.AssertExact(output, Template, "RepeatTransposed", "var y = h.transpose(1, 2)[.., ..6, ..].repeat(1, 2, 1).transpose(1, 2);", 2,
            "repeat", new[] { "Peak" });

    [Fact]
    public void Over_new_leading_dimensions_the_training_peak_is_unknown() =>
        OpModel.AssertExact(output, Template, "RepeatLeading", "var y = h.repeat(2, 1, 1, 1).sum(new long[] { 0 });", 2, "repeat",
            new[] { "Peak" });
}

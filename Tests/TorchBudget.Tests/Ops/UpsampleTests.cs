using System.Linq;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// Upsample (and functional.interpolate) over [B, C, H, W], nearest and bilinear, by scale factors (up and down) or to
/// a size: every row of both tables against the allocation counter at batch 1 and 5, in a U-Net-style up step too, over
/// both of ATen's kernels (the channels-last one with its copies, the generic one with its index tensors); a strided
/// input leaves the peaks unknown; other modes are declined.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class UpsampleTests
{
    private const string Up2 = "Upsample(scale_factor: new double[] { 2, 2 }";

    [Theory]
    [InlineData("NearestBy2", "4, 5, 6", ConvFedModel.Field + Up2 + ");", "var y = g.forward(f.forward(x));", 4 * 10 * 12)]
    [InlineData("NearestToSize", "3, 5, 6", ConvFedModel.Field + "Upsample(size: new long[] { 12, 9 });", "var y = g.forward(f.forward(x));",
        3 * 12 * 9)]
    [InlineData("BilinearAligned", "4, 5, 6",
        ConvFedModel.Field + "Upsample(scale_factor: new double[] { 2, 3 }, mode: UpsampleMode.Bilinear, align_corners: true);",
        "var y = g.forward(f.forward(x)).relu();", 4 * 10 * 18)]
    [InlineData("BilinearDown", "4, 8, 8", ConvFedModel.Field + "Upsample(scale_factor: new double[] { 0.5, 0.5 }, mode: UpsampleMode.Bilinear);",
        "var y = g.forward(f.forward(x));", 4 * 4 * 4)]
    [InlineData("UNetUpStep", "8, 6, 6",
        ConvFedModel.Field + Up2 + ", mode: UpsampleMode.Bilinear); private readonly Module<Tensor, Tensor> c1 = Conv2d(16, 4, 3, padding: 1L);",
        "var u = g.forward(f.forward(x)); var y = c1.forward(torch.cat(new[] { u, u * 2 }, 1));", 4 * 12 * 12)]
    [InlineData("InterpolateBilinear", "3, 5, 6", "",
        "var y = functional.interpolate(f.forward(x), size: new long[] { 7, 11 }, mode: InterpolationMode.Bilinear);", 3 * 7 * 11)]
    [InlineData("InterpolateNearest", "3, 5, 6", "", "var y = functional.interpolate(f.forward(x), scale_factor: new double[] { 2, 2 });",
        3 * 10 * 12)]
    [InlineData("ByFourThenMean", "4, 5, 6", ConvFedModel.Field + "Upsample(scale_factor: new double[] { 4, 4 });",
        "var y = g.forward(f.forward(x)).mean(new long[] { 2, 3 });", 4)]
    [InlineData("OneChannel", "1, 5, 6", ConvFedModel.Field + Up2 + ", mode: UpsampleMode.Bilinear);", "var y = g.forward(f.forward(x));",
        10 * 12)]
    [InlineData("TwoChannelsWide", "2, 5, 64", ConvFedModel.Field + Up2 + ");", "var y = g.forward(f.forward(x)).relu();", 2 * 10 * 128)]
    [InlineData("TwoChannelsWideBilinear", "2, 5, 64", ConvFedModel.Field + Up2 + ", mode: UpsampleMode.Bilinear);",
        "var y = g.forward(f.forward(x));", 2 * 10 * 128)]
    [InlineData("SixteenChannelsWide", "16, 3, 70", "", "var y = functional.interpolate(f.forward(x), size: new long[] { 5, 131 });",
        16 * 5 * 131)]
    // A U-Net's or YOLO's up step: the cat hands the upsampled part a slice of its gradient, which backward copies.
    [InlineData("CatAfterUp", "4, 5, 6", ConvFedModel.Field + Up2 + ");",
        "var u = g.forward(f.forward(x)); var y = torch.cat(new[] { u, u.relu() * 2 }, 1).tanh();", 8 * 10 * 12)]
    [InlineData("CatAfterUpWide", "3, 4, 66", "",
        "var u = functional.interpolate(f.forward(x), scale_factor: new double[] { 2, 2 }); var y = torch.cat(new[] { u.sigmoid(), u }, 1);",
        6 * 8 * 132)]
    public void The_training_table_equals_the_allocation_counter(string name, string input, string fields, string body, int head)
    {
        var outcomes = DifferentialRunner.Run(new[] { 1L, 5L }
            .Select(b => new FuzzProgram($"{name}B{b}", ConvFedModel.Source($"{name}B{b}", input, fields, body, head), new[] { "upsample" }, b))
            .ToList());
        Assert.All(outcomes, o =>
        {
            Assert.Empty(o.Mismatches);
            Assert.True(o.FullyKnown, $"{o.Program.Name}: " + string.Join(" ", o.Notes));
            Assert.All(o.Training!.Rows, r => Assert.Equal(r.Measured, r.Predicted));
            ExactRows.AssertPeaksExact(o);
        });
    }

    [Fact]
    public void A_strided_input_leaves_the_memory_unknown()
    {
        var o = DifferentialRunner.Run(new[] { new FuzzProgram("UpsampleTransposed", ConvFedModel.Source("UpsampleTransposed", "4, 6, 6",
            ConvFedModel.Field + Up2 + ");", "var y = g.forward(f.forward(x).transpose(2, 3));", 4 * 12 * 12), new[] { "upsample" }, 3) }).Single();
        Assert.Empty(o.Mismatches);
        Assert.Null(o.Training!.Rows.Single(r => r.Name == "Peak").Predicted);
        Assert.Contains(o.Notes, n => n.Contains("the memory Upsample allocates", System.StringComparison.Ordinal));
    }

    [Fact]
    public void Bicubic_is_declined_and_a_short_scale_factor_is_a_shape_error()
    {
        var fields = ConvFedModel.Field + Up2 + ", mode: UpsampleMode.Bicubic);";
        var bicubic = DifferentialRunner.Run(new[] { new FuzzProgram("Bicubic", ConvFedModel.Source("Bicubic", "4, 5, 6", fields,
            "var y = g.forward(f.forward(x));", 4 * 10 * 12), new[] { "upsample" }, 3) }).Single();
        Assert.Empty(bicubic.Mismatches);
        Assert.Contains(bicubic.Diagnostics, d => d.GetMessage().Contains("Bicubic mode", System.StringComparison.Ordinal));
        // TorchSharp wants one factor per spatial dimension; the runner checks that the step throws too.
        OpModel.AssertShapeError(ConvFedModel.Source("{0}", "4, 5, 6", ConvFedModel.Field + "Upsample(scale_factor: new double[] { 1.5 });",
            "{1}", 4 * 7 * 9), "ShortScale", "var y = g.forward(f.forward(x));", "upsample");
    }
}

using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// A Conv2d whose output is read transposed (a ViT's patch embedding flattened and transposed to tokens, a permute to
/// channels-last, a swap of the spatial axes): its gradient comes back strided, and mkldnn's convolution backward makes
/// it contiguous first, one copy of the output's size alive through the backward (measured with the counter over five
/// layouts and three convolutions: the step's peak rises by exactly that). Stems, 3×3 convolutions after convolutions
/// (whose input gradient is computed), strided and wide ones: every row, Peak included, at batch 1 and another. (Output
/// channels of 32: with fewer, and at larger sizes, oneDNN's backward-weights may split the batch across threads, a
/// cost that is not modeled, bench/RESULTS.md.)
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class ConvolutionStridedGradientTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("PatchTokens", "Conv2d(3, 32, 4, stride: 4)", "y.flatten(2).transpose(1, 2)", 3)]
    [InlineData("ChannelsLastRead", "Conv2d(8, 32, 3, padding: 1)", "y.permute(0, 2, 3, 1)", 2)]
    [InlineData("SpatialSwap", "Conv2d(16, 32, 3, stride: 2)", "y.transpose(2, 3)", 3)]
    [InlineData("AfterConvolution", "Sequential(Conv2d(3, 32, 3, padding: 1), ReLU(), Conv2d(32, 32, 3, padding: 1))", "y.transpose(1, 3)", 2)]
    [InlineData("WideKernel", "Conv2d(8, 32, 5, stride: 2, padding: 2)", "y.transpose(1, 2)", 3)]
    public void Every_row_equals_the_real_model(string name, string convolution, string read, long batch)
    {
        var channels = convolution.Contains("Conv2d(8", System.StringComparison.Ordinal) ? 8
            : convolution.Contains("Conv2d(16", System.StringComparison.Ordinal) ? 16 : 3;
        var source = $$"""
            [MemoryProfile({{channels}}, 16, 16)]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> stem = {{convolution}};
                public {0}() : base(nameof({0})) => RegisterComponents();
                public override Tensor forward(Tensor x)
                {
                    var y = stem.forward(x);
                    var z = {{read}};
                    return (z * z.tanh()).flatten(1).narrow(1, 0, 4).contiguous();
                }
            }
            """;
        var problems = ExactRows.Problems(name, source, batch, "convolution", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

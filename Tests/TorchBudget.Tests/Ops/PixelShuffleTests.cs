using System.Linq;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// PixelShuffle and PixelUnshuffle (modules and functional forms): one new tensor forward, the inverse on the gradient
/// backward; every row of both tables against the allocation counter at batch 1 and 3, after a 1×1 convolution, in an
/// ESPCN-style upsampler, and shuffled back and forth. A strided input is declined, said so.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class PixelShuffleTests
{
    
    [Theory]
    [InlineData("ShuffleBy2", "8, 5, 6", ConvFedModel.Field + "PixelShuffle(2);", "var y = g.forward(f.forward(x));", 2 * 10 * 12)]
    [InlineData("ShuffleBy3", "9, 4, 4", ConvFedModel.Field + "PixelShuffle(3);", "var y = g.forward(f.forward(x)).relu();", 12 * 12)]
    [InlineData("UnshuffleBy2", "2, 6, 8", ConvFedModel.Field + "PixelUnshuffle(2);", "var y = g.forward(f.forward(x));", 8 * 3 * 4)]
    [InlineData("FunctionalUnshuffle", "3, 4, 6", "", "var y = functional.pixel_unshuffle(f.forward(x), 2);", 12 * 2 * 3)]
    [InlineData("Espcn", "3, 7, 7",
        "private readonly Module<Tensor, Tensor> c1 = Conv2d(3, 12, 3, padding: 1L); " + ConvFedModel.Field + "PixelShuffle(2);",
        "var y = g.forward(c1.forward(f.forward(x)).tanh());", 3 * 14 * 14)]
    [InlineData("BackAndForth", "16, 3, 3",
        ConvFedModel.Field + "PixelShuffle(2); private readonly Module<Tensor, Tensor> u = PixelUnshuffle(2);",
        "var y = u.forward(g.forward(f.forward(x))) + f.forward(x);", 16 * 3 * 3)]
    public void Every_row_equals_the_allocation_counter(string name, string input, string fields, string body, int head)
    {
        var outcomes = DifferentialRunner.Run(new[] { 1L, 3L }
            .Select(b => new FuzzProgram($"{name}B{b}", ConvFedModel.Source($"{name}B{b}", input, fields, body, head), new[] { "shuffle" }, b))
            .ToList());
        Assert.All(outcomes, o =>
        {
            Assert.Empty(o.Mismatches);
            var unknown = o.Notes.Where(n => n.Contains("unknown", System.StringComparison.Ordinal));
            Assert.True(o.FullyKnown, $"{o.Program.Name}: " + string.Join(" ", unknown));
        });
    }

    [Fact]
    public void A_strided_input_is_declined()
    {
        var source = ConvFedModel.Source("ShuffleStrided", "8, 5, 6", ConvFedModel.Field + "PixelShuffle(2);",
            "var y = g.forward(f.forward(x).transpose(2, 3));", 240);
        var outcome = DifferentialRunner.Run(new[] { new FuzzProgram("ShuffleStrided", source, new[] { "shuffle" }, 3) }).Single();
        Assert.Empty(outcome.Mismatches);
        Assert.False(outcome.FullyKnown);
        Assert.Contains(outcome.Diagnostics, d => d.GetMessage().Contains("not measured for PixelShuffle", System.StringComparison.Ordinal));
    }
}

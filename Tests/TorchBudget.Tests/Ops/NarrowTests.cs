using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// x.narrow(dim, start, length): a view, ATen's slice, whose backward allocates a zero gradient of the input's size and
/// copies into it; recorded even over a whole dimension (an index chain skips that slice), from the end with a negative
/// start, on contiguous and transposed tensors. Compiled and run for real: every row equals the allocation counter at
/// batch 1 and another.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class NarrowTests(ITestOutputHelper output)
{
    private static readonly string Template = OpModel.Template(width: 12, headFeatures: 24);

    [Theory]
    [InlineData("NarrowFeatures", "var y = h.narrow(2, 3, 4).relu();", 3)]
    [InlineData("NarrowFromTheEnd", "var y = h.narrow(-1, -4, 4).tanh();", 2)]
    [InlineData("NarrowWholeDimension", "var y = h.narrow(1, 0, 6).narrow(2, 4, 4) * 2;", 5)]
    [InlineData("NarrowTransposed", "var y = h.transpose(1, 2).narrow(1, 2, 4).sigmoid();", 3)]
    [InlineData("NarrowPositions", "var y = h.narrow(1, 1, 2).exp();", 4)]
    [InlineData("NarrowNoCopyAfter", "var y = h.narrow(2, 0, 4) + h.narrow(2, 8, 4);", 2)]
    public void Every_row_matches_the_counter(string name, string statements, long batch)
    {
        OpModel.AssertExact(output, Template, name, statements, batch, "narrow");
    }
}

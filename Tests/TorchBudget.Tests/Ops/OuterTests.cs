using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// torch.outer(a, b) and a.outer(b): ATen's a.reshape(n, 1) * b, a view and mul's broadcast, so it keeps what mul keeps;
/// 1-d operands only (TorchSharp throws otherwise: a shape error). Compiled and run for real: every row equals the
/// allocation counter at batch 1 and another.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class OuterTests(ITestOutputHelper output)
{
    private static readonly string Template = OpModel.Template(width: 12, headFeatures: 72,
        "private readonly Parameter scale = Parameter(torch.randn(12));");

    [Theory]
    [InlineData("OuterOfBatchAndPositions", "var y = torch.outer(h[.., 0, 0], h[0, .., 0]).unsqueeze(2).expand(-1, -1, 12);", 3)]
    [InlineData("OuterWithParameter", "var y = h[.., .., 0].flatten().outer(scale).view(-1, 6, 12).relu();", 2)]
    [InlineData("OuterOfSums", "var y = torch.outer(h.sum(new long[] { 1, 2 }), h.mean(new long[] { 0, 1 })).unsqueeze(1) * h;", 3)]
    public void Every_row_matches_the_counter(string name, string statements, long batch) =>
        OpModel.AssertExact(output, Template, name, statements, batch, "outer");
}

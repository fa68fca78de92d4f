using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// 2-d max and average pools whose gradient comes back sliced, as a cat after them hands it (YOLO's SPPF, an inception
/// branch): their backward copies it contiguous, one tensor of the pool's output size. Every row of both tables
/// against the allocation counter at batch 1 and 3, both peaks included.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class PoolSlicedGradientTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("SppfMax", "private readonly Module<Tensor, Tensor> p = MaxPool2d(5, stride: 1, padding: 2);",
        "var r = f.forward(x); var a = p.forward(r); var y = torch.cat(new[] { r, a, p.forward(a) }, 1);", 12 * 64)]
    [InlineData("CatMaxHalves", "private readonly Module<Tensor, Tensor> p = MaxPool2d(2);",
        "var r = f.forward(x); var y = torch.cat(new[] { p.forward(r), p.forward(r).relu() }, 1);", 8 * 16)]
    [InlineData("CatAvg", "private readonly Module<Tensor, Tensor> p = AvgPool2d(3, stride: 1, padding: 1);",
        "var r = f.forward(x); var y = torch.cat(new[] { r, p.forward(r) }, 1);", 8 * 64)]
    [InlineData("NarrowedMax", "private readonly Module<Tensor, Tensor> p = MaxPool2d(2);", "var r = f.forward(x); var y = p.forward(r)[.., 1..3];",
        2 * 16)]
    [InlineData("FunctionalPoolsCat", "",
        "var r = f.forward(x); var y = torch.cat(new[] { functional.avg_pool2d(r, 2), functional.max_pool2d(r, 2) }, 1);", 8 * 16)]
    public void Every_row_equals_the_allocation_counter(string name, string fields, string body, int head)
    {
        var problems = ExactRows.Problems(name, ConvFedModel.Source("{0}", "4, 8, 8", fields, body, head), 3, "pool", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

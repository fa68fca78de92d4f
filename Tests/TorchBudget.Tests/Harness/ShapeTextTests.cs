using System.Linq;
using TorchBudget.Harness;
using Xunit;

namespace TorchBudget.Tests.Harness;

public sealed class ShapeTextTests
{
    [Theory]
    [InlineData("[B, 6, 28, 28]", 4, "[4, 6, 28, 28]")]
    [InlineData("[400B, 10]", 3, "[1200, 10]")]
    [InlineData("[2B^2]", 5, "[50]")]
    [InlineData("([B, 7, 20], [1, B, 20], null)", 2, "[2, 7, 20]|[1, 2, 20]")]
    public void Reads_the_report_shape_at_a_batch_size(string text, long batch, string expected) =>
        Assert.Equal(expected, string.Join("|", ShapeText.At(text, batch)!.Select(ShapeText.Format)));

    [Theory]
    [InlineData("unknown")]
    [InlineData("[B, x]")]
    [InlineData("[B, 3")]
    public void Anything_else_is_not_a_shape(string text) => Assert.Null(ShapeText.At(text, 2));
}

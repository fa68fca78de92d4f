using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// zeros_like, ones_like, empty_like, rand_like, randn_like and full_like, called on the tensor and through torch: one
/// tensor of the input's size and layout (a transposed input's is transposed, so the product with it stays so), in its
/// dtype or the one given, needing no gradient. Compiled and run for real: every row equals the allocation counter at
/// batch 1 and another.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class LikeFactoryTests(ITestOutputHelper output)
{
    private static readonly string Template = OpModel.Template(width: 12, headFeatures: 72);

    [Theory]
    [InlineData("Reparameterised", "var y = h + h.exp() * torch.randn_like(h);", 3)]
    [InlineData("RandnLikeTransposed", "var t = h.transpose(1, 2); var y = (t * t.randn_like()).transpose(1, 2).relu();", 2)]
    [InlineData("RandLikeMask", "var y = h * (torch.rand_like(h) > 0.5);", 3)]
    [InlineData("ZerosLikeBool", "var y = h.masked_fill(torch.zeros_like(h, dtype: ScalarType.Bool), 0.0);", 2)]
    [InlineData("OnesLikeSliced", "var s = h[.., 1..4, ..]; var y = (s - s.ones_like()).sigmoid();", 5)]
    [InlineData("FullLike", "var y = torch.full_like(h, 2.0) * h;", 3)]
    [InlineData("EmptyLikeHeld", "var e = torch.empty_like(h, dtype: ScalarType.Float64); var y = h.relu();", 2)]
    public void Every_row_matches_the_counter(string name, string statements, long batch)
    {
        var template = name == "OnesLikeSliced" ? OpModel.Template(width: 12, headFeatures: 36) : Template;
        OpModel.AssertExact(output, template, name, statements, batch, "like");
    }

    [Fact]
    public void A_new_leaf_that_requires_a_gradient_is_not_followed_but_the_counts_are() =>
        OpModel.AssertMemoryDeclined(output, Template, "LikeRequiresGrad", "var y = h * torch.ones_like(h, requires_grad: true);", "like");
}

using System.Linq;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// torch.einsum of one to three operands, in the forms attention code writes: one operand transposed or summed; scores
/// ("bhid,bhjd->bhij"), the weighted sum ("bhij,bhjd->bhid"), an outer product ("i,j->ij": mul), a batched matrix
/// product, a projection by a parameter (as it is, transposed, detached, or a result), and a contraction over two
/// labels; at batch 1 the batch's label has size 1 and goes with the right operand's, as ATen's sumproduct_pair does. An
/// ellipsis stands for dimensions of their own, broadcast between the operands and placed where the output's ellipsis
/// is. Three operands contract left to right. ATen runs views, reshape's copies and bmm, so each step follows forward's
/// own rules. Compiled and run for real: every row equals the allocation counter at batch 1 and another.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class EinsumTests(ITestOutputHelper output)
{
    private static readonly string Template = OpModel.Template(width: 12, headFeatures: 72,
        "private readonly Parameter w = Parameter(torch.randn(12, 12));");

    private const string Heads = "var q = h.view(-1, 6, 3, 4).transpose(1, 2); var k = (h * 2).view(-1, 6, 3, 4).transpose(1, 2); ";

    [Theory]
    [InlineData("EinsumScores", Heads + "var s = torch.einsum(\"bhid,bhjd->bhij\", q, k).softmax(-1); "
        + "var y = torch.einsum(\"bhij,bhjd->bhid\", s, k).transpose(1, 2);", 3)]
    [InlineData("EinsumProjection", "var y = torch.einsum(\"bte,fe->btf\", h, w).relu();", 2)]
    [InlineData("EinsumBatchedProduct", "var y = torch.einsum(\"bij,bjk->bik\", h, h.transpose(1, 2)).view(-1, 6, 6).narrow(2, 0, 6)"
        + ".repeat(1, 1, 2);", 3)]
    [InlineData("EinsumOuter", "var y = torch.einsum(\"b,f->bf\", h[.., 0, 0], w[0]).unsqueeze(1).expand(-1, 6, -1) * h;", 2)]
    [InlineData("EinsumTwoLabels", "var y = torch.einsum(\"bte,te->b\", h, w[..6]).unsqueeze(1).unsqueeze(2) * h;", 3)]
    [InlineData("EinsumOfResult", "var y = torch.einsum(\"bte,fe->btf\", h, w * 1.0).relu();", 2)]
    [InlineData("EinsumProjectionUntransposed", "var y = torch.einsum(\"bte,ef->btf\", h, w).relu();", 2)]
    [InlineData("EinsumFrozenOperand", "var y = torch.einsum(\"bte,fe->btf\", h, w.detach()).relu();", 2)]
    [InlineData("EinsumOutputPermuted", "var y = torch.einsum(\"bte,fe->bft\", h, w).transpose(1, 2).tanh();", 2)]
    [InlineData("EinsumEllipsisProjection", "var y = torch.einsum(\"...e,fe->...f\", h, w).relu();", 3)]
    [InlineData("EinsumEllipsisScores", Heads + "var s = torch.einsum(\"...id,...jd->...ij\", q, k).softmax(-1); "
        + "var y = torch.einsum(\"...ij,...jd->...id\", s, k).transpose(1, 2);", 2)]
    [InlineData("EinsumEllipsisBroadcast", "var y = torch.einsum(\"...ij,...jk->...ik\", h.view(-1, 6, 3, 4), w[..4, ..5]).flatten(2)"
        + ".narrow(2, 0, 12);", 3)]
    [InlineData("EinsumEllipsisInside", "var y = torch.einsum(\"b...e,fe->bf...\", h, w).transpose(1, 2).sigmoid();", 2)]
    [InlineData("EinsumOneTransposed", "var y = torch.einsum(\"bij->bji\", h).tanh().transpose(1, 2);", 3)]
    [InlineData("EinsumOneSummed", "var y = torch.einsum(\"bij->bj\", h).unsqueeze(1) * h;", 2)]
    [InlineData("EinsumOneSummedTwice", "var y = torch.einsum(\"...ij->...\", h).view(-1, 1, 1) * h;", 3)]
    [InlineData("EinsumOnePermutedSum", "var y = torch.einsum(\"bij->jb\", h).t().unsqueeze(1).expand(-1, 6, -1) * h;", 2)]
    [InlineData("EinsumThreeProjections", "var y = torch.einsum(\"bti,ij,jk->btk\", h, w, w.tanh()).relu();", 3)]
    [InlineData("EinsumThreeAttention", Heads + "var y = torch.einsum(\"bhid,bhjd,bhje->bhie\", q, k, k * 0.5).transpose(1, 2);", 2)]
    [InlineData("EinsumThreeOuter", "var y = torch.einsum(\"b,f,t->btf\", h[.., 0, 0], w[0], w[1, ..6]) * h;", 3)]
    public void Every_row_matches_the_counter(string name, string statements, long batch) =>
        OpModel.AssertExact(output, Template, name, statements, batch, "einsum");

    [Fact]
    public void A_label_of_two_sizes_is_the_shape_error_TorchSharp_throws() =>
        OpModel.AssertShapeError(Template, "EinsumMismatch", "var y = torch.einsum(\"bte,fe->btf\", h, w[.., ..8]);", "einsum");

    [Fact]
    public void An_ellipsis_the_output_drops_is_declined() =>
        OpModel.AssertMemoryDeclined(output, Template, "EinsumEllipsisSummed",
            "var y = torch.einsum(\"b...e,fe->bf\", h, w).unsqueeze(1).unsqueeze(3).expand(-1, 6, -1, 1).flatten(2) * h;", "einsum");
}

using System.Collections.Generic;
using System.Linq;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Transformers;

/// <summary>
/// functional.scaled_dot_product_attention on the flash kernel (4-d Float32, no dropout): causal, with a Bool mask cut from
/// a buffer by C# ranges, with a float mask, and at sequence lengths on both sides of its 32-row query blocks, in a GPT
/// block as llama and nanoGPT ports call it. Every row against the allocation counter at batch 1 and an odd batch.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class ScaledDotProductAttentionTests(ITestOutputHelper output)
{
    private sealed record Case(string Name, long Length, string Mask, string Attend, long Batch);

    private static readonly Case[] Cases =
    {
        new("Causal", 16, "", "functional.scaled_dot_product_attention(q, k, v, is_casual: true)", 3),
        new("BoolMaskFromBuffer", 12, "private readonly Tensor allowed = torch.ones(20, 20, dtype: ScalarType.Bool).tril();",
            "functional.scaled_dot_product_attention(q, k, v, attn_mask: allowed[..(int)t, ..(int)t])", 3),
        new("FloatMask", 10, "private readonly Tensor bias = torch.zeros(10, 10);",
            "functional.scaled_dot_product_attention(q, k, v, bias)", 5),
        new("LongerThanOneBlock", 40, "", "functional.scaled_dot_product_attention(q, k, v, is_casual: true)", 2),
        // Flattened as [B, H, T, D]: the gradient comes back contiguous, not in the output's transposed layout, and the
        // backward copies it first.
        new("GradientInAnotherLayout", 8, "", "functional.scaled_dot_product_attention(q, k, v).flatten(2).view(b, t, 32) * 0.5", 5),
    };

    public static IEnumerable<object[]> Names => Cases.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_row_equals_the_real_model(string name)
    {
        var c = Cases.Single(k => k.Name == name);
        var source = AttentionBlock.Source(c.Length, c.Mask, c.Attend);
        var problems = ExactRows.Problems(c.Name, source, c.Batch, "attention", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

/// <summary>
/// A BERT-style padding mask as a second input, [B, T] of Bool viewed as [B, 1, 1, T]: the flash kernel takes a mask of
/// size 1 along the query length and broadcasts it (sdp_utils_cpp's mask check), with dropout the math path adds it; a
/// [1, T] float buffer and a [T, 1] Bool mask, broadcast along one length each.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class PaddingMaskAttentionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("PaddingFlash", "padding.view(b, 1, 1, t)")]
    [InlineData("PaddingMath", "padding.view(b, 1, 1, t), p: 0.1")]
    [InlineData("KeyRowFlash", "row")]
    [InlineData("QueryColumnFlash", "padding[0].view(t, 1)")]
    public void Every_row_equals_the_real_model(string name, string mask)
    {
        var source = $$"""
            [MemoryProfile(11, 32, Loss = LossKind.Mse)]
            [MemoryInput(1, 11, DType = ScalarType.Bool)]
            public partial class {0} : Module<Tensor, Tensor, Tensor>
            {
                private readonly Linear qkv = Linear(32, 96);
                private readonly Linear proj = Linear(32, 32);
                private readonly Tensor row = torch.zeros(1, 11);
                public {0}() : base(nameof({0})) => RegisterComponents();
                public override Tensor forward(Tensor x, Tensor padding)
                {
                    var (b, t) = (x.shape[0], x.shape[1]);
                    var parts = qkv.forward(x).split(32, 2);
                    var q = parts[0].view(b, t, 4, 8).transpose(1, 2);
                    var k = parts[1].view(b, t, 4, 8).transpose(1, 2);
                    var v = parts[2].view(b, t, 4, 8).transpose(1, 2);
                    var y = functional.scaled_dot_product_attention(q, k, v, attn_mask: {{mask}});
                    return x + proj.forward(y.transpose(1, 2).contiguous().view(b, t, 32));
                }
            }
            """;
        var problems = ExactRows.Problems(name, source, 3, "attention", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

using System.Collections.Generic;
using System.Linq;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Transformers;

/// <summary>
/// scaled_dot_product_attention off the flash kernel: with dropout (nanoGPT's attention in training), over 3-d inputs,
/// with a key and value of one head broadcast over the query's (multi-query), and with values of another head size;
/// each with no mask, causal, a Bool mask cut from a buffer, or a float mask. libtorch runs its math path, a chain of
/// ops that frees its intermediates as it goes. Every row against the allocation counter at batch 1 and an odd batch.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class AttentionMathPathTests(ITestOutputHelper output)
{
    private sealed record Case(string Name, long Length, string Attend, long Batch, long Width = 32, string Field = "");

    private const string Allowed = "private readonly Tensor allowed = torch.ones(20, 20, dtype: ScalarType.Bool).tril();";
    private const string Bias = "private readonly Tensor bias = torch.zeros(13, 13);";

    private static readonly Case[] Cases =
    {
        new("Dropout", 12, "functional.scaled_dot_product_attention(q, k, v, p: 0.1)", 3),
        new("CausalDropout", 13, "functional.scaled_dot_product_attention(q, k, v, is_casual: true, p: 0.2)", 2),
        new("BoolMaskDropout", 11, "functional.scaled_dot_product_attention(q, k, v, allowed[..(int)t, ..(int)t], 0.1)", 3, Field: Allowed),
        new("FloatMaskDropout", 13, "functional.scaled_dot_product_attention(q, k, v, bias, 0.1)", 5, Field: Bias),
        new("ThreeD", 12, "functional.scaled_dot_product_attention(q.reshape(b * 4, t, 8), k.reshape(b * 4, t, 8), "
            + "v.reshape(b * 4, t, 8), is_casual: true).view(b, 4, t, 8)", 3),
        new("OneKeyHead", 9, "functional.scaled_dot_product_attention(q, k[.., ..1], v[.., ..1], is_casual: true)", 3),
        new("WiderValues", 10, "functional.scaled_dot_product_attention(q, k, torch.cat(new[] { v, v }, 3))", 2, Width: 64),
    };

    public static IEnumerable<object[]> Names => Cases.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_row_equals_the_real_model(string name)
    {
        var c = Cases.Single(k => k.Name == name);
        var source = AttentionBlock.Source(c.Length, c.Field, c.Attend, c.Width);
        var problems = ExactRows.Problems(c.Name, source, c.Batch, "attention", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

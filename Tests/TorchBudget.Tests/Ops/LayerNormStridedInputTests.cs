using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// LayerNorm over a non-contiguous input, as vision transformers and ConvNeXt feed it (patch tokens as
/// <c>flatten(2).transpose(1, 2)</c>, a permute to channels-last, a slice): layer_norm copies the input contiguous for
/// its kernel in forward and again in backward. Every row of both tables against the allocation counter at batch 1 and
/// another, both peaks included.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class LayerNormStridedInputTests(ITestOutputHelper output)
{
    private static string Source(string input, string fields, string body, int head) => $$"""
        [MemoryProfile({{input}})]
        public partial class {0} : Module<Tensor, Tensor>
        {
            {{fields}}
            private readonly Linear head = Linear({{head}}, 3);
            public {0}() : base(nameof({0})) => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                {{body}}
                return head.forward(y.flatten(1));
            }
        }
        """;

    [Theory]
    [InlineData("PatchTokens", "3, 8, 8",
        "private readonly Module<Tensor, Tensor> c = Conv2d(3, 16, 2, stride: 2); private readonly LayerNorm n = LayerNorm(16);",
        "var y = n.forward(c.forward(x).flatten(2).transpose(1, 2));", 16 * 16, 5)]
    [InlineData("ConvNextBlock", "16, 10, 10",
        "private readonly Module<Tensor, Tensor> c = Conv2d(16, 16, 3, padding: 1, groups: 16); private readonly LayerNorm n = LayerNorm(16); "
        + "private readonly Linear up = Linear(16, 64), down = Linear(64, 16);",
        "var t = c.forward(x); var y = t + down.forward(functional.gelu(up.forward(n.forward(t.permute(0, 2, 3, 1))))).permute(0, 3, 1, 2);",
        16 * 100, 3)]
    [InlineData("TransposedFeatures", "12, 10", "private readonly Linear a = Linear(10, 24); private readonly LayerNorm n = LayerNorm(12);",
        "var y = n.forward(a.forward(x).transpose(1, 2)).relu();", 24 * 12, 5)]
    [InlineData("SlicedFeatures", "12, 10", "private readonly Linear a = Linear(10, 24); private readonly LayerNorm n = LayerNorm(8);",
        "var y = n.forward(a.forward(x)[.., .., 4..12]) * 2;", 12 * 8, 2)]
    [InlineData("WithoutAffine", "12, 10",
        "private readonly Linear a = Linear(10, 24); private readonly LayerNorm n = LayerNorm(12, elementwise_affine: false);",
        "var y = n.forward(a.forward(x).transpose(1, 2));", 24 * 12, 4)]
    public void Every_row_equals_the_allocation_counter(string name, string input, string fields, string body, int head, long batch)
    {
        var problems = ExactRows.Problems(name, Source(input, fields, body, head), batch, "norm", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

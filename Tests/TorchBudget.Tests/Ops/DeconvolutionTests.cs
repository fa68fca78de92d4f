using System.Collections.Generic;
using System.Linq;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// Strided ConvTranspose2d (oneDNN's deconvolution: the strided backward-data kernel of the convolution it transposes):
/// every row of both tables against the allocation counter, in a U-Net up step with its skip concatenation and a
/// DCGAN-style generator (its stride-1 first layer from a 1×1 latent included), stride 1 without a bias, ConvTranspose1d
/// (run as 2-d), on inputs with and without a gradient, batch 1 to 5. Stride 1 with a bias and output_padding stay
/// unknown, said so.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class DeconvolutionTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Models() => new[]
    {
        Model("UpBy2", "16, 5, 6", "private readonly Module<Tensor, Tensor> up = ConvTranspose2d(16, 8, 2, stride: 2L);",
            "var t = up.forward(f.forward(x)); return head.forward(t.flatten(1));", 8 * 10 * 12),
        Model("UpBy2NoGradInput", "16, 5, 6", "private readonly Module<Tensor, Tensor> up = ConvTranspose2d(16, 8, 2, stride: 2L);",
            "var t = up.forward(x); return head.forward(t.relu().flatten(1));", 8 * 10 * 12),
        Model("Dcgan", "64, 4, 4", """
            private readonly Module<Tensor, Tensor> up1 = ConvTranspose2d(64, 32, 4, stride: 2L, padding: 1L, bias: false);
            private readonly Module<Tensor, Tensor> bn1 = BatchNorm2d(32);
            private readonly Module<Tensor, Tensor> up2 = ConvTranspose2d(32, 3, 4, stride: 2L, padding: 1L, bias: false);
            """, "var t = bn1.forward(up1.forward(f.forward(x))).relu(); t = up2.forward(t).tanh(); return head.forward(t.flatten(1));",
            3 * 16 * 16),
        Model("UNetUp", "32, 4, 6", """
            private readonly Module<Tensor, Tensor> down = Conv2d(16, 32, 3, stride: 2L, padding: 1L);
            private readonly Module<Tensor, Tensor> up = ConvTranspose2d(32, 16, 2, stride: 2L);
            private readonly Module<Tensor, Tensor> fuse = Conv2d(32, 16, 3, padding: 1L);
            private readonly Module<Tensor, Tensor> skip = Conv2d(32, 16, 1);
            """, "var s = skip.forward(f.forward(x)).relu(); var d = down.forward(s).relu(); "
            + "var u = torch.cat(new[] { up.forward(d), s }, 1); return head.forward(fuse.forward(u).relu().flatten(1));", 16 * 4 * 6),
        Model("Stride1NoBias", "16, 5, 6", "private readonly Module<Tensor, Tensor> up = ConvTranspose2d(16, 8, 3, padding: 1L, bias: false);",
            "var t = up.forward(f.forward(x)); return head.forward(t.flatten(1));", 8 * 5 * 6),
        Model("Stride1Widening", "24, 5, 7", "private readonly Module<Tensor, Tensor> up = ConvTranspose2d(24, 64, 3, bias: false);",
            "var t = up.forward(f.forward(x)); return head.forward(t.relu().flatten(1));", 64 * 7 * 9),
        Model("DcganHead", "100, 1, 1", """
            private readonly Module<Tensor, Tensor> up0 = ConvTranspose2d(100, 64, 4, bias: false);
            private readonly Module<Tensor, Tensor> bn0 = BatchNorm2d(64);
            private readonly Module<Tensor, Tensor> up1 = ConvTranspose2d(64, 32, 4, stride: 2L, padding: 1L, bias: false);
            """, "var t = bn0.forward(up0.forward(x)).relu(); return head.forward(up1.forward(t).tanh().flatten(1));", 32 * 8 * 8),
        Model("Up1d", "16, 11", "private readonly Module<Tensor, Tensor> up = ConvTranspose1d(16, 8, 4, stride: 2L, padding: 1L);",
            "var t = up.forward(f.forward(x)); return head.forward(t.flatten(1));", 8 * 22),
        Model("Up1dBy2", "32, 9", "private readonly Module<Tensor, Tensor> up = ConvTranspose1d(32, 16, 2, stride: 2L, bias: false);",
            "var t = up.forward(f.forward(x)); return head.forward(t.relu().flatten(1));", 16 * 18),
        Model("Stride1d1", "16, 10", "private readonly Module<Tensor, Tensor> up = ConvTranspose1d(16, 24, 3, bias: false);",
            "var t = up.forward(f.forward(x)); return head.forward(t.flatten(1));", 24 * 12),
        Model("OddSizes", "24, 3, 7", "private readonly Module<Tensor, Tensor> up = ConvTranspose2d(24, 12, 4, stride: 2L, padding: 1L);",
            "var t = up.forward(f.forward(x)); return head.forward(t.flatten(1));", 12 * 6 * 14),
    };

    private static object[] Model(string name, string input, string fields, string forward, int head) =>
        new object[] { name, input, fields, forward, head };

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_row_equals_the_allocation_counter(string name, string input, string fields, string forward, int head)
    {
        foreach (var o in Run(name, input, fields, forward, head, new long[] { 1, 2, 3, 5 }))
        {
            output.WriteLine($"{o.Program.Name}: {o.Training?.Rows.Single(r => r.Name == "Peak")}");
            Assert.Empty(o.Mismatches);
            Assert.True(o.FullyKnown, $"{o.Program.Name}: " + string.Join(" ", o.Notes));
            ExactRows.AssertPeaksExact(o);
        }
    }

    /// <summary>
    /// With one channel or one position, grad_output is already NHWC and the strided backward-data kernel copies nothing:
    /// counted, these were 64–480 bytes high (Conv2d to 1 channel) and 1.1 % high (a transposed convolution of a 1×1 input).
    /// </summary>
    [Theory]
    [InlineData("ToOneChannel", "16, 8, 8", "Conv2d(16, 1, 4, stride: 2L, padding: 1L, bias: false)", 16)]
    [InlineData("FromOnePosition", "29, 1, 1", "ConvTranspose2d(29, 6, 2, stride: 2L)", 6 * 4)]
    public void No_copy_where_grad_output_is_already_channels_last(string name, string input, string layer, int head)
    {
        foreach (var o in Run(name, input, $"private readonly Module<Tensor, Tensor> up = {layer};",
            "return head.forward(up.forward(f.forward(x)).relu().flatten(1));", head, new long[] { 1, 4, 8 }))
        {
            Assert.Empty(o.Mismatches);
            Assert.True(o.FullyKnown, $"{o.Program.Name}: " + string.Join(" ", o.Notes));
            ExactRows.AssertPeaksExact(o);
        }
    }

    [Theory]
    [InlineData("Stride1Bias", "16, 6, 6", "ConvTranspose2d(16, 8, 3, padding: 1L)", 8 * 36, "with stride 1 and a bias")]
    [InlineData("OutputPadding", "16, 5, 5", "ConvTranspose2d(16, 8, 3, stride: 2L, padding: 1L, output_padding: 1L)", 8 * 100,
        "with output_padding")]
    public void What_was_not_measured_is_unknown(string name, string input, string layer, int head, string reason)
    {
        var outcome = Run(name, input, $"private readonly Module<Tensor, Tensor> up = {layer};",
            "return head.forward(up.forward(f.forward(x)).flatten(1));", head, new long[] { 3 }).Single();
        Assert.Empty(outcome.Mismatches);
        Assert.False(outcome.FullyKnown);
        Assert.Contains(outcome.Notes, n => n.Contains(reason, System.StringComparison.Ordinal));
    }

    /// <summary>The model behind a 1×1 convolution f (so the layer's input needs a gradient where forward feeds it f's output).</summary>
    private static IReadOnlyList<ProgramOutcome> Run(string model, string profile, string fields, string forward, int head, long[] batches)
    {
        var channels = profile.Split(',')[0].Trim();
        var front = profile.Split(',').Length == 2 ? "Conv1d" : "Conv2d";
        return DifferentialRunner.Run(batches.Select(b =>
        {
            var name = $"{model}B{b}";
            var source = $$"""
                [MemoryProfile({{profile}})]
                public partial class {{name}} : Module<Tensor, Tensor>
                {
                    private readonly Module<Tensor, Tensor> f = {{front}}({{channels}}, {{channels}}, 1);
                    {{fields}}
                    private readonly Module<Tensor, Tensor> head = Linear({{head}}, 4);
                    public {{name}}() : base(nameof({{name}})) => RegisterComponents();
                    public override Tensor forward(Tensor x)
                    {
                        {{forward}}
                    }
                }
                """;
            return new FuzzProgram(name, source, new[] { "deconvolution" }, b);
        }).ToList());
    }
}

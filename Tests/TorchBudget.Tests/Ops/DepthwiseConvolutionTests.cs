using System.Collections.Generic;
using System.Linq;
using TorchBudget.Harness;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// Depthwise convolutions (groups = in = out channels) run oneDNN's depthwise kernels: every row of both tables against the
/// allocation counter, channel counts below, at and off the 16-channel block, 3×3 kernels, strides 1 and 2, Conv1d, a MobileNet v2
/// block, batch 1 to 5 and thread counts 1 to 16 (the backward-weights split depends on both). What the kernels refuse,
/// and a channel multiplier of 2 (a grouped convolution), stay unknown, said so.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class DepthwiseConvolutionTests(ITestOutputHelper output)
{
    private const string Head = "private readonly Module<Tensor, Tensor> head = Linear({0}, 4);";

    public static IEnumerable<object[]> Models() => new[]
    {
        Model("Dw16", "16, 10, 10", "Conv2d(16, 16, 3, padding: 1L, groups: 16)", 16 * 100),
        Model("Dw24Stride2", "24, 12, 11", "Conv2d(24, 24, 3, stride: 2L, padding: 1L, groups: 24)", 24 * 6 * 6),
        Model("Dw8NoBias", "8, 7, 9", "Conv2d(8, 8, 3, padding: 1L, groups: 8, bias: false)", 8 * 63),
        Model("Dw56Unpadded", "56, 9, 6", "Conv2d(56, 56, 3, groups: 56)", 56 * 7 * 4),
        Model("Dw1d", "32, 17", "Conv1d(32, 32, 3, padding: 1L, groups: 32)", 32 * 17),
    };

    private static object[] Model(string name, string input, string layer, int head) => new object[] { name, input, layer, head };

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_row_equals_the_allocation_counter(string name, string input, string layer, int head) =>
        AssertExact(2, name, input, $"private readonly Module<Tensor, Tensor> g = {layer}; " + string.Format(Head, head),
            "return head.forward(g.forward(f.forward(x)).relu().flatten(1));", new long[] { 1, 2, 3, 5 }, known: true);

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    public void The_weight_gradient_split_follows_the_threads(int threads)
    {
        // A parameter scales the input (so the layer's input needs a gradient) where a 1×1 convolution, measured on 2 threads
        // only, would make the peak unknown.
        foreach (var (name, input, layer, head) in new[]
        {
            ("Dw64", "64, 6, 6", "Conv2d(64, 64, 3, padding: 1L, groups: 64)", 64 * 36),
            ("Dw40", "40, 5, 7", "Conv2d(40, 40, 3, stride: 2L, padding: 1L, groups: 40)", 40 * 3 * 4),
        })
        {
            var channels = input.Split(',')[0];
            AssertExact(threads, name, input, $"private readonly Module<Tensor, Tensor> g = {layer}; " + string.Format(Head, head)
                + $" private readonly Parameter s = Parameter(ones({channels}, 1, 1));",
                "return head.forward(g.forward(x * s).relu().flatten(1));", new long[] { 1, 2, 3, 7, 17 }, known: true);
        }
    }

    [Fact]
    public void A_MobileNet_v2_block_is_exact()
    {
        const string fields = """
            private readonly Module<Tensor, Tensor> expand = Conv2d(16, 96, 1, bias: false);
            private readonly Module<Tensor, Tensor> bn1 = BatchNorm2d(96);
            private readonly Module<Tensor, Tensor> dw = Conv2d(96, 96, 3, stride: 2L, padding: 1L, groups: 96, bias: false);
            private readonly Module<Tensor, Tensor> bn2 = BatchNorm2d(96);
            private readonly Module<Tensor, Tensor> project = Conv2d(96, 24, 1, bias: false);
            private readonly Module<Tensor, Tensor> bn3 = BatchNorm2d(24);
            private readonly Module<Tensor, Tensor> head = Linear(24 * 5 * 5, 4);
            """;
        AssertExact(2, "MobileNetBlock", "16, 10, 10", fields,
            "var t = functional.relu6(bn1.forward(expand.forward(f.forward(x)))); t = functional.relu6(bn2.forward(dw.forward(t))); "
            + "return head.forward(bn3.forward(project.forward(t)).flatten(1));", new long[] { 1, 4 }, known: true);
    }

    [Theory]
    [InlineData("DwStride4", "16, 13, 13", "Conv2d(16, 16, 3, stride: 4L, padding: 1L, groups: 16)", 16 * 16,
        "weight gradient oneDNN's depthwise kernel refuses")]
    [InlineData("Dw5x5", "16, 9, 9", "Conv2d(16, 16, 5, padding: 2L, groups: 16)", 16 * 81, "kernel side other than 3")]
    [InlineData("Multiplier2", "8, 6, 6", "Conv2d(8, 16, 3, padding: 1L, groups: 8)", 16 * 36, "grouped convolution")]
    [InlineData("Dw1dEven", "26, 14", "Conv1d(26, 26, 2, padding: 1L, groups: 26, bias: false)", 26 * 15, "kernel side other than 3")]
    [InlineData("Dw7x7", "22, 11, 20", "Conv2d(22, 22, 7, padding: 3L, groups: 22, bias: false)", 22 * 11 * 20, "kernel side other than 3")]
    public void What_the_kernels_refuse_is_unknown(string name, string input, string layer, int head, string reason)
    {
        var outcome = Run(2, name, input, $"private readonly Module<Tensor, Tensor> g = {layer}; " + string.Format(Head, head),
            "return head.forward(g.forward(f.forward(x)).flatten(1));", new long[] { 3 }).Single();
        Assert.Empty(outcome.Mismatches);
        Assert.False(outcome.FullyKnown);
        Assert.Contains(outcome.Notes, n => n.Contains(reason, System.StringComparison.Ordinal));
    }

    private void AssertExact(int threads, string model, string profile, string fields, string forward, long[] batches, bool known)
    {
        foreach (var o in Run(threads, model, profile, fields, forward, batches))
        {
            output.WriteLine($"{o.Program.Name}: {o.Training?.Rows.Single(r => r.Name == "Peak")}");
            Assert.Empty(o.Mismatches);
            Assert.True(o.FullyKnown == known, $"{o.Program.Name}: " + string.Join(" ", o.Notes));
            if (known) Assert.Equal(VerificationOutcome.Passed, o.Training!.Rows.Single(r => r.Name == "Peak").Outcome);
            if (known) ExactRows.AssertPeaksExact(o);
        }
    }

    /// <summary>The model behind a 1×1 convolution (so the layer's input needs a gradient too), at this many threads.</summary>
    private static IReadOnlyList<ProgramOutcome> Run(int threads, string model, string profile, string fields, string forward, long[] batches)
    {
        var channels = profile.Split(',')[0].Trim();
        var programs = batches.Select(b =>
        {
            var name = $"{model}T{threads}B{b}";
            var first = profile.Split(',').Length == 2 ? $"Conv1d({channels}, {channels}, 1)" : $"Conv2d({channels}, {channels}, 1)";
            var source = $$"""
                [MemoryProfile({{profile}}, Kernels = "AVX-512, {{threads}} threads")]
                public partial class {{name}} : Module<Tensor, Tensor>
                {
                    private readonly Module<Tensor, Tensor> f = {{first}};
                    {{fields}}
                    public {{name}}() : base(nameof({{name}})) => RegisterComponents();
                    public override Tensor forward(Tensor x)
                    {
                        {{forward}}
                    }
                }
                """;
            return new FuzzProgram(name, source, new[] { "depthwise" }, b);
        }).ToList();
        var before = torch.get_num_threads();
        torch.set_num_threads(threads);
        try { return DifferentialRunner.Run(programs); }
        finally { torch.set_num_threads(before); }
    }
}

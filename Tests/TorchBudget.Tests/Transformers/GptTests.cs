using System.Collections.Generic;
using System.Linq;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Transformers;

/// <summary>
/// Language models written as nanoGPT ports write them: a configuration record, token and position embeddings
/// (positions from <c>arange</c>), pre-norm blocks with hand-written causal attention (one fused projection
/// <c>split</c> into q, k and v, a <c>tril</c> mask buffer indexed with C# ranges, <c>masked_fill</c>, softmax), a GELU
/// MLP and an untied LM head; the output [B, T, V] trained with SequenceCrossEntropy. Each is compiled with the
/// generator and run for real at batch 1 and an odd batch: every row against the CPU allocation counter.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class GptTests(ITestOutputHelper output)
{
    private sealed record Case(string Name, string Source, long Batch);

    internal const string Blocks = """
        public sealed record GptConfig{0}(long Vocab, long Context, long Embed, long Heads, int Layers);
        public class Attention{0} : Module<Tensor, Tensor>
        {
            private readonly Linear c_attn;
            private readonly Linear c_proj;
            private readonly Tensor bias;
            private readonly long nHead, nEmbd;
            public Attention{0}(GptConfig{0} c) : base("attn")
            {
                nHead = c.Heads;
                nEmbd = c.Embed;
                c_attn = Linear(c.Embed, 3 * c.Embed);
                c_proj = Linear(c.Embed, c.Embed);
                bias = torch.tril(torch.ones(c.Context, c.Context)).view(1, 1, c.Context, c.Context);
                RegisterComponents();
            }
            public override Tensor forward(Tensor x)
            {
                var B = x.shape[0]; var T = x.shape[1]; var C = x.shape[2];
                var qkv = c_attn.forward(x).split(nEmbd, dim: 2);
                var q = qkv[0].view(B, T, nHead, C / nHead).transpose(1, 2);
                var k = qkv[1].view(B, T, nHead, C / nHead).transpose(1, 2);
                var v = qkv[2].view(B, T, nHead, C / nHead).transpose(1, 2);
                var att = q.matmul(k.transpose(-2, -1)) * (1.0 / Math.Sqrt(k.shape[3]));
                att = att.masked_fill(bias[.., .., ..(int)T, ..(int)T] == 0, float.NegativeInfinity);
                att = functional.softmax(att, dim: -1);
                var y = att.matmul(v);
                y = y.transpose(1, 2).contiguous().view(B, T, C);
                return c_proj.forward(y);
            }
        }
        public class Block{0} : Module<Tensor, Tensor>
        {
            private readonly LayerNorm ln_1, ln_2;
            private readonly Attention{0} attn;
            private readonly Sequential mlp;
            public Block{0}(GptConfig{0} c) : base("block")
            {
                ln_1 = LayerNorm(c.Embed);
                attn = new Attention{0}(c);
                ln_2 = LayerNorm(c.Embed);
                mlp = Sequential(("c_fc", Linear(c.Embed, 4 * c.Embed)), ("gelu", GELU()), ("c_proj", Linear(4 * c.Embed, c.Embed)));
                RegisterComponents();
            }
            public override Tensor forward(Tensor x)
            {
                x = x + attn.forward(ln_1.forward(x));
                return x + mlp.forward(ln_2.forward(x));
            }
        }

        """;

    /// <summary>The nanoGPT: also profiled in the sequence length (SequenceLengthTests).</summary>
    internal const string NanoGpt = Blocks + """
            [MemoryProfile(16, InputDType = ScalarType.Int64, Loss = LossKind.SequenceCrossEntropy, Factory = nameof(Small))]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly Embedding wte, wpe;
                private readonly ModuleList<Block{0}> h = new();
                private readonly LayerNorm ln_f;
                private readonly Linear lm_head;
                public static {0} Small() => new(new GptConfig{0}(Vocab: 65, Context: 32, Embed: 32, Heads: 4, Layers: 2));
                public {0}(GptConfig{0} c) : base(nameof({0}))
                {
                    wte = Embedding(c.Vocab, c.Embed);
                    wpe = Embedding(c.Context, c.Embed);
                    for (var i = 0; i < c.Layers; i++) h.Add(new Block{0}(c));
                    ln_f = LayerNorm(c.Embed);
                    lm_head = Linear(c.Embed, c.Vocab, hasBias: false);
                    RegisterComponents();
                }
                public override Tensor forward(Tensor idx)
                {
                    var t = idx.shape[1];
                    var pos = torch.arange(0, t, dtype: ScalarType.Int64, device: idx.device);
                    var x = wte.forward(idx) + wpe.forward(pos);
                    foreach (var block in h) x = block.forward(x);
                    return lm_head.forward(ln_f.forward(x));
                }
            }
            """;

    /// <summary>nanoGPT's tied head: the token embedding's weight is the output projection (one parameter, two gradients).</summary>
    private static readonly string TiedNanoGpt = NanoGpt
        .Replace("private readonly Linear lm_head;", "", System.StringComparison.Ordinal)
        .Replace("lm_head = Linear(c.Embed, c.Vocab, hasBias: false);", "", System.StringComparison.Ordinal)
        .Replace("return lm_head.forward(ln_f.forward(x));", "return functional.linear(ln_f.forward(x), wte.weight);",
            System.StringComparison.Ordinal);

    private static readonly Case[] Cases =
    {
        new("NanoGpt", NanoGpt, 3),
        new("NanoGptTied", TiedNanoGpt, 2),
    };

    public static IEnumerable<object[]> Names => Cases.Select(c => new object[] { c.Name });

    /// <summary>
    /// The nanoGPT with BFloat16 parameters: LayerNorm keeps its mean and rstd in BFloat16 (measured; counted Float32, the
    /// activations were 0.5 % high), and a BFloat16 matrix product over 4,096 multiply-adds runs oneDNN's gemm with a
    /// transient work buffer whose size rule was not derived (the inference Peak was 21 % low), so both Peaks are unknown,
    /// said so; every other row equals the allocation counter at batch 1 and 3.
    /// </summary>
    [Fact]
    public void In_BFloat16_every_row_but_the_peaks_equals_the_real_model()
    {
        var source = NanoGpt.Replace("Factory = nameof(Small))]", "Factory = nameof(Small), DType = ScalarType.BFloat16)]",
            System.StringComparison.Ordinal);
        var programs = new[] { 1L, 3L }.Select(b => new FuzzProgram($"GptBf16B{b}", source.Replace("{0}", $"GptBf16B{b}"),
            new[] { "transformers" }, b)).ToList();
        var problems = new List<string>();
        foreach (var outcome in DifferentialRunner.Run(programs))
        {
            Assert.NotNull(outcome.Training);
            Assert.NotNull(outcome.Inference);
            Assert.Contains(outcome.Notes, n => n.Contains("BFloat16 matrix product", System.StringComparison.Ordinal));
            foreach (var row in outcome.Training!.Rows.Concat(outcome.Inference!.Rows))
            {
                output.WriteLine($"{outcome.Program.Name} {row.Name}: {row.Predicted:N0} / {row.Measured:N0}");
                var expected = row.Name == "Peak" ? null : row.Measured;
                if (row.Predicted != expected) problems.Add($"{outcome.Program.Name} {row.Name}: {row.Predicted:N0}, measured {row.Measured:N0}");
            }
            problems.AddRange(outcome.Mismatches);
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_row_equals_the_real_model(string name)
    {
        var c = Cases.Single(k => k.Name == name);
        var problems = ExactRows.Problems(c.Name, c.Source, c.Batch, "transformers", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

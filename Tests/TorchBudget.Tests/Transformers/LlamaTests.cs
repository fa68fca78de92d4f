using System.Collections.Generic;
using System.Linq;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Transformers;

/// <summary>
/// A llama-style decoder as ports write it: RMSNorm as a user module with a Parameter
/// (<c>x * rsqrt(x.pow(2).mean(-1, keepdim) + eps) * weight</c>), rotary embeddings from cos/sin buffers filled in the
/// constructor with rotate-half by <c>cat</c> of range-indexed halves, grouped-query attention whose key and value heads
/// are repeated with <c>repeat_interleave</c>, a causal mask, SwiGLU (<c>silu(w1(x)) * w3(x)</c>) and an LM head.
/// Compiled with the generator and run for real at batch 1 and an odd batch: every row equals the allocation counter, the
/// training Peak included (the key heads' gradient comes back transposed through repeat_interleave's flatten and expand,
/// whose backward sums it into its result alone: measured).
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class LlamaTests(ITestOutputHelper output)
{
    internal const string Source = """
        public sealed record LlamaConfig{0}(long Vocab = 48, long Dim = 32, long Heads = 4, long KvHeads = 2, long Hidden = 48,
            int Layers = 2, long Context = 16);
        public class RmsNorm{0} : Module<Tensor, Tensor>
        {
            private readonly Parameter weight;
            private readonly double eps;
            public RmsNorm{0}(long dim, double eps = 1e-6) : base("rms")
            {
                this.eps = eps;
                weight = Parameter(torch.ones(dim));
                RegisterComponents();
            }
            public override Tensor forward(Tensor x) => x * torch.rsqrt(x.pow(2).mean(new long[] { -1 }, keepdim: true) + eps) * weight;
        }
        public class Attention{0} : Module<Tensor, Tensor>
        {
            private readonly Linear wq, wk, wv, wo;
            private readonly Tensor cos, sin, mask;
            private readonly long heads, kvHeads, headDim;
            public Attention{0}(LlamaConfig{0} c) : base("attention")
            {
                heads = c.Heads;
                kvHeads = c.KvHeads;
                headDim = c.Dim / c.Heads;
                wq = Linear(c.Dim, c.Heads * headDim, hasBias: false);
                wk = Linear(c.Dim, c.KvHeads * headDim, hasBias: false);
                wv = Linear(c.Dim, c.KvHeads * headDim, hasBias: false);
                wo = Linear(c.Heads * headDim, c.Dim, hasBias: false);
                cos = torch.zeros(c.Context, headDim);
                sin = torch.zeros(c.Context, headDim);
                for (var p = 0; p < c.Context; p++)
                {
                    for (var i = 0; i < headDim / 2; i++)
                    {
                        var angle = p / Math.Pow(10000, 2.0 * i / headDim);
                        cos[p, i] = Math.Cos(angle);
                        cos[p, i + headDim / 2] = Math.Cos(angle);
                        sin[p, i] = Math.Sin(angle);
                        sin[p, i + headDim / 2] = Math.Sin(angle);
                    }
                }
                mask = torch.triu(torch.ones(c.Context, c.Context), diagonal: 1);
                RegisterComponents();
            }
            private Tensor Rotate(Tensor x, long t)
            {
                var half = headDim / 2;
                var rotated = torch.cat(new[] { -x[.., .., .., (int)half..], x[.., .., .., ..(int)half] }, -1);
                return x * cos[..(int)t] + rotated * sin[..(int)t];
            }
            public override Tensor forward(Tensor x)
            {
                var (b, t) = (x.shape[0], x.shape[1]);
                var q = Rotate(wq.forward(x).view(b, t, heads, headDim).transpose(1, 2), t);
                var k = Rotate(wk.forward(x).view(b, t, kvHeads, headDim).transpose(1, 2), t);
                var v = wv.forward(x).view(b, t, kvHeads, headDim).transpose(1, 2);
                k = k.repeat_interleave(heads / kvHeads, dim: 1);
                v = v.repeat_interleave(heads / kvHeads, dim: 1);
                var scores = q.matmul(k.transpose(2, 3)) / Math.Sqrt(headDim);
                scores = scores.masked_fill(mask[..(int)t, ..(int)t] == 1, float.NegativeInfinity);
                var y = functional.softmax(scores, -1).matmul(v);
                return wo.forward(y.transpose(1, 2).contiguous().view(b, t, heads * headDim));
            }
        }
        public class Layer{0} : Module<Tensor, Tensor>
        {
            private readonly RmsNorm{0} attentionNorm, ffnNorm;
            private readonly Attention{0} attention;
            private readonly Linear w1, w2, w3;
            public Layer{0}(LlamaConfig{0} c) : base("layer")
            {
                attentionNorm = new RmsNorm{0}(c.Dim);
                attention = new Attention{0}(c);
                ffnNorm = new RmsNorm{0}(c.Dim);
                w1 = Linear(c.Dim, c.Hidden, hasBias: false);
                w2 = Linear(c.Hidden, c.Dim, hasBias: false);
                w3 = Linear(c.Dim, c.Hidden, hasBias: false);
                RegisterComponents();
            }
            public override Tensor forward(Tensor x)
            {
                var h = x + attention.forward(attentionNorm.forward(x));
                var n = ffnNorm.forward(h);
                return h + w2.forward(functional.silu(w1.forward(n)) * w3.forward(n));
            }
        }
        [MemoryProfile(12, InputDType = ScalarType.Int64, Loss = LossKind.SequenceCrossEntropy, Factory = nameof(Tiny))]
        public partial class {0} : Module<Tensor, Tensor>
        {
            private readonly Embedding tokens;
            private readonly ModuleList<Layer{0}> layers = new();
            private readonly RmsNorm{0} norm;
            private readonly Linear output;
            public static {0} Tiny() => new(new LlamaConfig{0}());
            public {0}(LlamaConfig{0} c) : base(nameof({0}))
            {
                tokens = Embedding(c.Vocab, c.Dim);
                for (var i = 0; i < c.Layers; i++) layers.Add(new Layer{0}(c));
                norm = new RmsNorm{0}(c.Dim);
                output = Linear(c.Dim, c.Vocab, hasBias: false);
                RegisterComponents();
            }
            public override Tensor forward(Tensor ids)
            {
                var h = tokens.forward(ids);
                foreach (var layer in layers) h = layer.forward(h);
                return output.forward(norm.forward(h));
            }
        }
        """;

    [Theory]
    [InlineData(3)]
    public void Every_row_equals_the_real_model(long batch)
    {
        var problems = ExactRows.Problems("Llama", Source, batch, "transformers", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Transformers;

/// <summary>
/// Blocks as speech and language ports write them, each in a model of its own: Whisper's encoder (two Conv1d, the second
/// strided, permuted to tokens plus a position buffer, SDPA), a Phi block (parallel attention and MLP, partial rotary by
/// slices and cat), ALiBi attention (an arange distance matrix converted by <c>to_type</c>, a causal mask) and Conv1d
/// stacks whose gradients come back sliced and transposed. Every row of both tables against the allocation counter at
/// batch 1 and 3, both peaks to the byte.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class PortedBlockTests(ITestOutputHelper output)
{
    private const string Whisper = """
        [MemoryProfile(16, 24, Loss = LossKind.Mse)]
        public partial class WhisperEncoder : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> conv1 = Conv1d(16, 32, 3, padding: 1);
            private readonly Module<Tensor, Tensor> conv2 = Conv1d(32, 32, 3, stride: 2, padding: 1);
            private readonly Tensor positions = torch.randn(12, 32);
            private readonly LayerNorm ln1 = LayerNorm(32), ln2 = LayerNorm(32), lnPost = LayerNorm(32);
            private readonly Linear qkv = Linear(32, 96), outProj = Linear(32, 32), fc1 = Linear(32, 64), fc2 = Linear(64, 32);
            public WhisperEncoder() : base(nameof(WhisperEncoder)) => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var h = functional.gelu(conv2.forward(functional.gelu(conv1.forward(x))));
                h = h.permute(0, 2, 1) + positions;
                var b = h.shape[0];
                var t = h.shape[1];
                var parts = qkv.forward(ln1.forward(h)).view(b, t, 3, 4, 8).permute(2, 0, 3, 1, 4);
                var a = functional.scaled_dot_product_attention(parts[0], parts[1], parts[2]);
                h = h + outProj.forward(a.transpose(1, 2).reshape(b, t, 32));
                h = h + fc2.forward(functional.gelu(fc1.forward(ln2.forward(h))));
                return lnPost.forward(h);
            }
        }
        """;

    private const string PhiBlock = """
        [MemoryProfile(10, 32, Loss = LossKind.Mse)]
        public partial class PhiBlock : Module<Tensor, Tensor>
        {
            private readonly LayerNorm ln = LayerNorm(32);
            private readonly Linear q = Linear(32, 32), k = Linear(32, 32), v = Linear(32, 32), dense = Linear(32, 32);
            private readonly Linear fc1 = Linear(32, 128), fc2 = Linear(128, 32);
            private readonly Tensor cos = torch.randn(10, 4), sin = torch.randn(10, 4);
            public PhiBlock() : base(nameof(PhiBlock)) => RegisterComponents();
            private Tensor Rotary(Tensor x)
            {
                var rot = x[.., .., .., ..4];
                var pass = x[.., .., .., 4..];
                var x1 = rot[.., .., .., ..2];
                var x2 = rot[.., .., .., 2..];
                var rotated = torch.cat(new[] { -x2, x1 }, -1);
                return torch.cat(new[] { rot * cos + rotated * sin, pass }, -1);
            }
            public override Tensor forward(Tensor x)
            {
                var b = x.shape[0];
                var h = ln.forward(x);
                var query = Rotary(q.forward(h).view(b, 10, 4, 8).transpose(1, 2));
                var key = Rotary(k.forward(h).view(b, 10, 4, 8).transpose(1, 2));
                var value = v.forward(h).view(b, 10, 4, 8).transpose(1, 2);
                var a = functional.scaled_dot_product_attention(query, key, value, is_casual: true);
                var attention = dense.forward(a.transpose(1, 2).contiguous().view(b, 10, 32));
                var mlp = fc2.forward(functional.gelu(fc1.forward(h)));
                return x + attention + mlp;
            }
        }
        """;

    private const string Alibi = """
        [MemoryProfile(12, 32, Loss = LossKind.Mse)]
        public partial class AlibiAttention : Module<Tensor, Tensor>
        {
            private readonly Linear qkv = Linear(32, 96), proj = Linear(32, 32);
            private readonly Tensor slopes = torch.tensor(new float[] { 0.5f, 0.25f, 0.125f, 0.0625f }).view(4, 1, 1);
            public AlibiAttention() : base(nameof(AlibiAttention)) => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var b = x.shape[0];
                var t = x.shape[1];
                var parts = qkv.forward(x).split(32, -1);
                var q = parts[0].view(b, t, 4, 8).transpose(1, 2);
                var k = parts[1].view(b, t, 4, 8).transpose(1, 2);
                var v = parts[2].view(b, t, 4, 8).transpose(1, 2);
                var distance = torch.arange(t).view(1, t) - torch.arange(t).view(t, 1);
                var bias = slopes * distance.to_type(ScalarType.Float32);
                var scores = q.matmul(k.transpose(-2, -1)) / System.Math.Sqrt(8) + bias;
                var causal = torch.ones(t, t).triu(1).to_type(ScalarType.Bool);
                scores = scores.masked_fill(causal, float.NegativeInfinity);
                var y = functional.softmax(scores, -1).matmul(v).transpose(1, 2).contiguous().view(b, t, 32);
                return proj.forward(y);
            }
        }
        """;

    private const string Conv1dVariants = """
        [MemoryProfile(8, 20, Loss = LossKind.Mse)]
        public partial class Conv1dGrads : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> c1 = Conv1d(8, 16, 3, padding: 1), c2 = Conv1d(16, 16, 5, stride: 2, padding: 2),
                c3 = Conv1d(16, 24, 3, padding: 1);
            private readonly Linear l = Linear(24, 24);
            public Conv1dGrads() : base(nameof(Conv1dGrads)) => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var a = c1.forward(x);
                var s = c2.forward(a)[.., .., 2..8];
                var t = c3.forward(s).transpose(1, 2);
                return l.forward(t) + a[.., ..8, ..8].sum();
            }
        }
        """;

    [Theory]
    [InlineData("WhisperEncoder", Whisper)]
    [InlineData("PhiBlock", PhiBlock)]
    [InlineData("AlibiAttention", Alibi)]
    [InlineData("Conv1dGrads", Conv1dVariants)]
    public void Every_row_equals_the_allocation_counter(string name, string source) =>
        ExactRows.AssertModelExact(name, source, new long[] { 1, 3 }, "ported", output.WriteLine);
}

using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// Blocks as vision ports write them, each in a model of its own: SAM's LayerNorm2d (a user module over the channel
/// dimension with <c>TensorIndex.None</c> parameters), a Stable Diffusion VAE attention block (GroupNorm, 1×1 projections,
/// bmm over the pixels), a squeeze-and-excitation gate, Swin's window partition and attention (view, permute,
/// contiguous), a ShuffleNet v2 unit (chunk, depthwise convolution, channel shuffle) and a diffusion UNet's ResBlock with
/// a time embedding as a second input. Every row of both tables against the allocation counter at batch 1 and 3, both
/// peaks to the byte.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class VisionBlockTests(ITestOutputHelper output)
{
    private const string SamNeck = """
        [MemoryProfile(16, 8, 8, Loss = LossKind.Mse)]
        public partial class SamNeck : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> c1 = Conv2d(16, 32, 1, bias: false);
            private readonly LayerNorm2d n1 = new(32);
            private readonly Module<Tensor, Tensor> c2 = Conv2d(32, 32, 3, padding: 1, bias: false);
            private readonly LayerNorm2d n2 = new(32);
            public SamNeck() : base(nameof(SamNeck)) => RegisterComponents();
            public override Tensor forward(Tensor x) => n2.forward(c2.forward(n1.forward(c1.forward(x))));
        }

        public class LayerNorm2d : Module<Tensor, Tensor>
        {
            private readonly Parameter weight;
            private readonly Parameter bias;
            public LayerNorm2d(long channels) : base(nameof(LayerNorm2d))
            {
                weight = Parameter(torch.ones(channels));
                bias = Parameter(torch.zeros(channels));
                RegisterComponents();
            }
            public override Tensor forward(Tensor x)
            {
                var u = x.mean(new long[] { 1 }, keepdim: true);
                var s = (x - u).pow(2).mean(new long[] { 1 }, keepdim: true);
                x = (x - u) / torch.sqrt(s + 1e-6);
                return weight[.., TensorIndex.None, TensorIndex.None] * x + bias[.., TensorIndex.None, TensorIndex.None];
            }
        }
        """;

    private const string VaeAttention = """
        [MemoryProfile(32, 6, 6, Loss = LossKind.Mse)]
        public partial class VaeAttention : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> norm = GroupNorm(8, 32);
            private readonly Module<Tensor, Tensor> q = Conv2d(32, 32, 1), k = Conv2d(32, 32, 1), v = Conv2d(32, 32, 1), proj = Conv2d(32, 32, 1);
            public VaeAttention() : base(nameof(VaeAttention)) => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var h = norm.forward(x);
                long b = h.shape[0], c = h.shape[1], hh = h.shape[2], ww = h.shape[3];
                var query = q.forward(h).reshape(b, c, hh * ww).permute(0, 2, 1);
                var key = k.forward(h).reshape(b, c, hh * ww);
                var weights = functional.softmax(torch.bmm(query, key) * (1.0 / System.Math.Sqrt(c)), 2);
                var value = v.forward(h).reshape(b, c, hh * ww);
                var mixed = torch.bmm(value, weights.permute(0, 2, 1)).reshape(b, c, hh, ww);
                return x + proj.forward(mixed);
            }
        }
        """;

    private const string SqueezeExcite = """
        [MemoryProfile(16, 8, 8)]
        public partial class SqueezeExcite : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> conv = Conv2d(16, 32, 3, padding: 1);
            private readonly Linear reduce = Linear(32, 8), expand = Linear(8, 32);
            private readonly Linear head = Linear(32, 10);
            public SqueezeExcite() : base(nameof(SqueezeExcite)) => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var t = functional.relu(conv.forward(x));
                var s = functional.adaptive_avg_pool2d(t, 1).flatten(1);
                s = functional.sigmoid(expand.forward(functional.relu(reduce.forward(s))));
                t = t * s.view(-1, 32, 1, 1);
                return head.forward(functional.adaptive_avg_pool2d(t, 1).flatten(1));
            }
        }
        """;

    private const string WindowPartition = """
        [MemoryProfile(8, 8, 16, Loss = LossKind.Mse)]
        public partial class WindowAttention : Module<Tensor, Tensor>
        {
            private readonly LayerNorm norm = LayerNorm(16);
            private readonly Linear qkv = Linear(16, 48), proj = Linear(16, 16);
            public WindowAttention() : base(nameof(WindowAttention)) => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var b = x.shape[0];
                var w = norm.forward(x).view(b, 2, 4, 2, 4, 16).permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, 16, 16);
                var parts = qkv.forward(w).view(-1, 16, 3, 2, 8).permute(2, 0, 3, 1, 4);
                var attention = functional.softmax(parts[0].matmul(parts[1].transpose(-2, -1)) * 0.35, -1);
                var mixed = attention.matmul(parts[2]).transpose(1, 2).reshape(-1, 16, 16);
                var back = proj.forward(mixed).view(b, 2, 2, 4, 4, 16).permute(0, 1, 3, 2, 4, 5).contiguous().view(b, 8, 8, 16);
                return x + back;
            }
        }
        """;

    private const string ChannelShuffle = """
        [MemoryProfile(16, 8, 8)]
        public partial class ShuffleUnit : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> left = Sequential(Conv2d(8, 8, 1, bias: false), BatchNorm2d(8), ReLU(),
                Conv2d(8, 8, 3, padding: 1, groups: 8, bias: false), BatchNorm2d(8), Conv2d(8, 8, 1, bias: false), BatchNorm2d(8), ReLU());
            private readonly Linear head = Linear(16 * 64, 10);
            public ShuffleUnit() : base(nameof(ShuffleUnit)) => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var halves = x.chunk(2, 1);
                var t = torch.cat(new[] { halves[0], left.forward(halves[1]) }, 1);
                var b = t.shape[0];
                t = t.view(b, 2, 8, 8, 8).transpose(1, 2).contiguous().view(b, 16, 8, 8);
                return head.forward(t.flatten(1));
            }
        }
        """;

    private const string TimeResBlock = """
        [MemoryProfile(16, 8, 8, Loss = LossKind.Mse)]
        [MemoryInput(1, 32)]
        public partial class TimeResBlock : Module<Tensor, Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> norm1 = GroupNorm(4, 16), norm2 = GroupNorm(4, 32);
            private readonly Module<Tensor, Tensor> conv1 = Conv2d(16, 32, 3, padding: 1), conv2 = Conv2d(32, 32, 3, padding: 1),
                skip = Conv2d(16, 32, 1);
            private readonly Linear time = Linear(32, 32);
            private readonly Module<Tensor, Tensor> dropout = Dropout(0.1);
            public TimeResBlock() : base(nameof(TimeResBlock)) => RegisterComponents();
            public override Tensor forward(Tensor x, Tensor t)
            {
                var h = conv1.forward(functional.silu(norm1.forward(x)));
                h = h + time.forward(functional.silu(t))[.., .., TensorIndex.None, TensorIndex.None];
                h = conv2.forward(dropout.forward(functional.silu(norm2.forward(h))));
                return skip.forward(x) + h;
            }
        }
        """;

    [Theory]
    [InlineData("SamNeck", SamNeck)]
    [InlineData("VaeAttention", VaeAttention)]
    [InlineData("SqueezeExcite", SqueezeExcite)]
    [InlineData("WindowAttention", WindowPartition)]
    [InlineData("ShuffleUnit", ChannelShuffle)]
    [InlineData("TimeResBlock", TimeResBlock)]
    public void Every_row_equals_the_allocation_counter(string name, string source) =>
        ExactRows.AssertModelExact(name, source, new long[] { 1, 3 }, "vision", output.WriteLine);
}

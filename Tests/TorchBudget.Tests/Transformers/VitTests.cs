using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Transformers;

/// <summary>
/// A vision transformer as ports write it: a patch embedding by a strided Conv2d, flattened and transposed to tokens,
/// a class token and position embedding as Parameters, TorchSharp's TransformerEncoder (GELU, dropout), a LayerNorm
/// and a head on the class token. Every row equals the allocation counter at batch 1 and 3, the training Peak included:
/// the patch convolution's gradient comes back through the transpose, and its backward makes it contiguous first, one
/// copy of its output's size (measured over five layouts, ConvolutionStridedGradientTests).
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class VitTests(ITestOutputHelper output)
{
    private const string Vit = """
        [MemoryProfile(3, 32, 32, Factory = nameof(Tiny))]
        public partial class {0} : Module<Tensor, Tensor>
        {
            private readonly Conv2d patches;
            private readonly Parameter classToken, positions;
            private readonly TransformerEncoder encoder;
            private readonly LayerNorm norm;
            private readonly Linear head;

            public static {0} Tiny() => new {0}(8, 32, 4, 2, 10);

            public {0}(long patch, long width, long heads, long layers, long classes) : base(nameof({0}))
            {
                var count = (32 / patch) * (32 / patch);
                patches = Conv2d(3, width, patch, stride: patch);
                classToken = Parameter(torch.zeros(1, 1, width));
                positions = Parameter(torch.zeros(1, count + 1, width));
                encoder = TransformerEncoder(TransformerEncoderLayer(width, heads, 2 * width, 0.1, Activations.GELU), layers);
                norm = LayerNorm(width);
                head = Linear(width, classes);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                var tokens = patches.forward(x).flatten(2).transpose(1, 2);
                var sequence = torch.cat(new[] { classToken.expand(x.shape[0], -1, -1), tokens }, 1) + positions;
                var encoded = encoder.call(sequence.transpose(0, 1));
                return head.forward(norm.forward(encoded[0]));
            }
        }
        """;

    [Fact]
    public void Every_row_is_exact()
    {
        var problems = ExactRows.Problems("Vit", Vit, 3, "transformers", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

using System.Collections.Generic;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Transformers;

/// <summary>
/// Encoder–decoder models as seq2seq ports write them: TorchSharp's Transformer over token embeddings with a causal
/// target mask and padding masks, a TransformerEncoder feeding a TransformerDecoder (GELU, its own masks), and a
/// hand-written one (pre-norm blocks, cross-attention from Linear projections). Sources and targets have different
/// lengths: where they are equal, libtorch compares the decoder's states with the memory by value to choose the
/// cross-attention's projection, and the analysis says unknown. Compiled with the generator and run for real: every
/// training and inference row equals the allocation counter at batch 1 and another batch.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class EncoderDecoderTests(ITestOutputHelper output)
{
    private const string TorchTransformer = """
        [MemoryProfile(10, InputDType = ScalarType.Int64, Loss = LossKind.SequenceCrossEntropy, Factory = nameof(Small))]
        [MemoryInput(1, 7, DType = ScalarType.Int64)]
        [MemoryInput(2, 10, DType = ScalarType.Bool)]
        public partial class {0} : Module<Tensor, Tensor, Tensor, Tensor>
        {
            private readonly Embedding sourceTokens, targetTokens;
            private readonly Parameter positions;
            private readonly Transformer transformer;
            private readonly Linear generator;
            private readonly Tensor causal;

            public static {0} Small() => new {0}(60, 32, 4);

            public {0}(long vocab, long width, long heads) : base(nameof({0}))
            {
                sourceTokens = Embedding(vocab, width);
                targetTokens = Embedding(vocab, width);
                positions = Parameter(torch.zeros(16, 1, width));
                transformer = Transformer(width, heads, 2, 2, 2 * width, 0.1);
                generator = Linear(width, vocab);
                causal = torch.triu(torch.full(7, 7, double.NegativeInfinity), 1);
                RegisterComponents();
            }

            public override Tensor forward(Tensor source, Tensor target, Tensor sourcePadding)
            {
                var s = sourceTokens.forward(source.t()) + positions[TensorIndex.Slice(0, source.shape[1])];
                var t = targetTokens.forward(target.t()) + positions[TensorIndex.Slice(0, target.shape[1])];
                var y = transformer.call(s, t, null, causal, null, sourcePadding, null, sourcePadding);
                return generator.forward(y.transpose(0, 1));
            }
        }
        """;

    private const string EncoderThenDecoder = """
        [MemoryProfile(9, 16, Loss = LossKind.Mse)]
        [MemoryInput(1, 5, 16)]
        [MemoryInput(2, 5, DType = ScalarType.Bool)]
        public partial class {0} : Module<Tensor, Tensor, Tensor, Tensor>
        {
            private readonly TransformerEncoder encoder = TransformerEncoder(TransformerEncoderLayer(16, 2, 24, 0.0), 1);
            private readonly TransformerDecoder decoder = TransformerDecoder(TransformerDecoderLayer(16, 2, 24, 0.2, Activations.GELU), 2);
            private readonly Linear head = Linear(16, 16);
            private readonly Tensor causal = torch.triu(torch.full(5, 5, -1e9), 1);

            public {0}() : base(nameof({0})) => RegisterComponents();

            public override Tensor forward(Tensor source, Tensor target, Tensor targetPadding)
            {
                var memory = encoder.call(source.transpose(0, 1).contiguous(), null, null);
                var y = decoder.call(target.transpose(0, 1).contiguous(), memory, causal, null, targetPadding, null);
                return head.forward(y).transpose(0, 1).contiguous();
            }
        }
        """;

    private const string HandWritten = """
        public class CrossBlock{0} : Module<Tensor, Tensor, Tensor>
        {
            private readonly LayerNorm norm1, norm2, norm3;
            private readonly Linear selfQkv, selfOut, query, keyValue, crossOut, up, down;
            private readonly long heads;
            public CrossBlock{0}(long width, long heads) : base("block")
            {
                this.heads = heads;
                norm1 = LayerNorm(width); norm2 = LayerNorm(width); norm3 = LayerNorm(width);
                selfQkv = Linear(width, 3 * width); selfOut = Linear(width, width);
                query = Linear(width, width); keyValue = Linear(width, 2 * width); crossOut = Linear(width, width);
                up = Linear(width, 4 * width); down = Linear(4 * width, width);
                RegisterComponents();
            }
            private Tensor Heads(Tensor x) => x.view(x.shape[0], x.shape[1], heads, -1).transpose(1, 2);
            private Tensor Attend(Tensor q, Tensor k, Tensor v)
            {
                var (b, t) = (q.shape[0], q.shape[2]);
                var scores = functional.softmax(q.matmul(k.transpose(-2, -1)) / Math.Sqrt(q.shape[3]), -1);
                return scores.matmul(v).transpose(1, 2).contiguous().view(b, t, -1);
            }
            public override Tensor forward(Tensor x, Tensor memory)
            {
                var parts = selfQkv.forward(norm1.forward(x)).chunk(3, -1);
                x = x + selfOut.forward(Attend(Heads(parts[0]), Heads(parts[1]), Heads(parts[2])));
                var kv = keyValue.forward(memory).chunk(2, -1);
                x = x + crossOut.forward(Attend(Heads(query.forward(norm2.forward(x))), Heads(kv[0]), Heads(kv[1])));
                return x + down.forward(functional.gelu(up.forward(norm3.forward(x))));
            }
        }

        [MemoryProfile(11, InputDType = ScalarType.Int64, Loss = LossKind.SequenceCrossEntropy)]
        [MemoryInput(1, 6, DType = ScalarType.Int64)]
        public partial class {0} : Module<Tensor, Tensor, Tensor>
        {
            private readonly Embedding embed = Embedding(50, 24);
            private readonly Linear encode = Linear(24, 24);
            private readonly CrossBlock{0} first = new CrossBlock{0}(24, 3), second = new CrossBlock{0}(24, 3);
            private readonly LayerNorm norm = LayerNorm(24);
            private readonly Linear lmHead = Linear(24, 50, hasBias: false);

            public {0}() : base(nameof({0})) => RegisterComponents();

            public override Tensor forward(Tensor source, Tensor target)
            {
                var memory = functional.gelu(encode.forward(embed.forward(source)));
                var x = embed.forward(target);
                x = second.forward(first.forward(x, memory), memory);
                return lmHead.forward(norm.forward(x));
            }
        }
        """;

    [Theory]
    [InlineData("TorchTransformer", TorchTransformer, 3)]
    [InlineData("EncoderThenDecoder", EncoderThenDecoder, 2)]
    [InlineData("HandWrittenSeq2Seq", HandWritten, 3)]
    public void Every_row_is_exact(string name, string source, long batch)
    {
        var problems = ExactRows.Problems(name, source, batch, "transformers", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

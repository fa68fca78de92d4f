using System;
using System.Collections.Generic;
using System.Linq;
using TorchBudget.Harness;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TorchBudget.Tests.Transformers;

/// <summary>
/// BERT-style encoders with padding masks, written as ports write them: token embedding plus a learned position
/// Parameter, TorchSharp's (sequence-first) TransformerEncoder given a [B, T] Bool key padding mask as a second input
/// or a mask computed from the tokens, a [CLS] pooler and a classifier; and MultiheadAttention called with both an
/// additive [T, T] attn_mask buffer and a key padding mask; cross-attention with its averaged weights and dropout; a
/// frozen Float64 encoder layer under a causal mask (it runs without autograd in training); separate kdim/vdim
/// projections. Compiled with the generator and run for real: every training and inference row equals the allocation
/// counter at batch 1 and another batch.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class BertTests(ITestOutputHelper output)
{
    private const string Bert = """
        [MemoryProfile(12, InputDType = ScalarType.Int64, SequenceDimensions = new[] { 0 }, Factory = nameof(Small))]
        [MemoryInput(1, 12, DType = ScalarType.Bool, SequenceDimensions = new[] { 0 })]
        public partial class {0} : Module<Tensor, Tensor, Tensor>
        {
            private readonly Embedding tokens;
            private readonly Parameter positions;
            private readonly LayerNorm embeddingNorm;
            private readonly Dropout embeddingDropout;
            private readonly TransformerEncoder encoder;
            private readonly Linear pooler, classifier;

            public static {0} Small() => new {0}(90, 32, 4, 2, 3);

            public {0}(long vocab, long width, long heads, long layers, long classes) : base(nameof({0}))
            {
                tokens = Embedding(vocab, width);
                positions = Parameter(torch.zeros(64, 1, width));
                embeddingNorm = LayerNorm(width);
                embeddingDropout = Dropout(0.1);
                encoder = TransformerEncoder(TransformerEncoderLayer(width, heads, 4 * width, 0.1), layers);
                pooler = Linear(width, width);
                classifier = Linear(width, classes);
                RegisterComponents();
            }

            public override Tensor forward(Tensor ids, Tensor padding)
            {
                var x = tokens.forward(ids.t()) + positions[TensorIndex.Slice(0, ids.shape[1])];
                x = embeddingDropout.forward(embeddingNorm.forward(x));
                x = encoder.call(x, null, padding);
                return classifier.forward(functional.tanh(pooler.forward(x[0])));
            }
        }
        """;

    private const string MaskFromTokens = """
        [MemoryProfile(10, InputDType = ScalarType.Int64, Factory = nameof(Small))]
        public partial class {0} : Module<Tensor, Tensor>
        {
            private readonly Embedding tokens;
            private readonly TransformerEncoderLayer layer;
            private readonly Linear head;

            public static {0} Small() => new {0}(50, 24, 3);

            public {0}(long vocab, long width, long heads) : base(nameof({0}))
            {
                tokens = Embedding(vocab, width, padding_idx: 0);
                layer = TransformerEncoderLayer(width, heads, 48, 0.0);
                head = Linear(width, 4);
                RegisterComponents();
            }

            public override Tensor forward(Tensor ids)
            {
                var padding = ids.eq(0);
                var x = layer.call(tokens.forward(ids.t()), null, padding);
                return head.forward(x.mean(new long[] { 0 }));
            }
        }
        """;

    private const string MaskFromTokensGelu = """
        [MemoryProfile(9, InputDType = ScalarType.Int64)]
        public partial class {0} : Module<Tensor, Tensor>
        {
            private readonly Embedding tokens = Embedding(40, 16);
            private readonly TransformerEncoderLayer layer = TransformerEncoderLayer(16, 2, 40, 0.1, Activations.GELU);
            private readonly Linear head = Linear(16, 4);
            public {0}() : base(nameof({0})) => RegisterComponents();
            public override Tensor forward(Tensor ids) => head.forward(layer.call(tokens.forward(ids.t()), null, ids.eq(0)).mean(new long[] { 0 }));
        }
        """;

    private const string MaskedAttention = """
        [MemoryProfile(9, 20, Loss = LossKind.Mse)]
        [MemoryInput(1, 9, DType = ScalarType.Bool)]
        public partial class {0} : Module<Tensor, Tensor, Tensor>
        {
            private readonly MultiheadAttention attention = MultiheadAttention(20, 4);
            private readonly Linear head = Linear(20, 20);
            private readonly Tensor causal;

            public {0}() : base(nameof({0}))
            {
                causal = torch.triu(torch.full(9, 9, double.NegativeInfinity), 1);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x, Tensor padding)
            {
                var sequenceFirst = x.transpose(0, 1);
                var (attended, _) = attention.call(sequenceFirst, sequenceFirst, sequenceFirst, padding, false, causal);
                return head.forward(attended.transpose(0, 1));
            }
        }
        """;

    private const string CrossAttendWithWeights = """
        [MemoryProfile(7, 16, Loss = LossKind.Mse)]
        [MemoryInput(1, 5, 16)]
        [MemoryInput(2, 5, DType = ScalarType.Bool)]
        public partial class {0} : Module<Tensor, Tensor, Tensor, Tensor>
        {
            private readonly MultiheadAttention attention = MultiheadAttention(16, 2, dropout: 0.25);
            private readonly Linear head = Linear(21, 16);
            public {0}() : base(nameof({0})) => RegisterComponents();
            public override Tensor forward(Tensor x, Tensor memory, Tensor padding)
            {
                var (attended, weights) = attention.call(x.transpose(0, 1), memory.transpose(0, 1), memory.transpose(0, 1), padding, true, null);
                return head.forward(torch.cat(new[] { attended.transpose(0, 1), weights }, 2));
            }
        }
        """;

    private const string FrozenEncoderWithCausalMask = """
        [MemoryProfile(8, 12, DType = ScalarType.Float64, InputDType = ScalarType.Float64, Factory = nameof(Frozen))]
        public partial class {0} : Module<Tensor, Tensor>
        {
            private readonly TransformerEncoderLayer layer = TransformerEncoderLayer(12, 3, 20, 0.2);
            private readonly Linear head = Linear(12, 3);
            private readonly Tensor causal;
            public static {0} Frozen()
            {
                var model = new {0}();
                foreach (var p in model.layer.parameters()) p.requires_grad = false;
                return model;
            }
            public {0}() : base(nameof({0}))
            {
                causal = torch.triu(torch.full(8, 8, double.NegativeInfinity, ScalarType.Float64), 1);
                RegisterComponents();
            }
            public override Tensor forward(Tensor x) => head.forward(layer.call(x.transpose(0, 1), causal, null)[-1]);
        }
        """;

    private const string SeparateProjections = """
        [MemoryProfile(6, 16, Loss = LossKind.Mse)]
        [MemoryInput(1, 4, 10)]
        public partial class {0} : Module<Tensor, Tensor, Tensor>
        {
            private readonly MultiheadAttention attention = MultiheadAttention(16, 4, kdim: 10, vdim: 10);
            public {0}() : base(nameof({0})) => RegisterComponents();
            public override Tensor forward(Tensor x, Tensor memory)
            {
                var (attended, _) = attention.call(x.transpose(0, 1).contiguous(), memory.transpose(0, 1).contiguous(),
                    memory.transpose(0, 1).contiguous(), null, false, null);
                return attended.transpose(0, 1).contiguous();
            }
        }
        """;

    [Theory]
    [InlineData("CrossAttendWithWeights", CrossAttendWithWeights, 3)]
    [InlineData("FrozenEncoderWithCausalMask", FrozenEncoderWithCausalMask, 4)]
    [InlineData("SeparateProjections", SeparateProjections, 2)]
    [InlineData("BertPadded", Bert, 3)]
    [InlineData("BertTokenMask", MaskFromTokens, 5)]
    [InlineData("GeluTokenMask", MaskFromTokensGelu, 4)]
    [InlineData("MaskedAttention", MaskedAttention, 2)]
    public void Every_row_is_exact(string name, string source, long batch)
    {
        var problems = ExactRows.Problems(name, source, batch, "transformers", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// The padded BERT at other sequence lengths (the mask follows T): every row equals the counter's.
    /// </summary>
    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 5)]
    [InlineData(3, 20)]
    public void Bert_rows_follow_the_sequence_length(long batch, long length)
    {
        var report = BertReport.Value.ForSequenceLength(length);
        Assert.Equal(new[] { length }, report.Inputs[1].Shape);
        using var model = (nn.Module)BertType.Value.GetMethod("Small")!.Invoke(null, null)!;
        var problems = SequenceLengthTests.RowProblems(model, report, batch, length, output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// At one position and batch 1 MultiheadAttention's k and v may stay views of the packed projection (measured both
    /// ways), which the rule declines: length 1 is then on no followed path, and the report says so rather than guess.
    /// </summary>
    [Fact]
    public void Length_one_is_declined()
    {
        var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => BertReport.Value.ForSequenceLength(1));
        Assert.Contains("T = 1", thrown.Message);
        Assert.Contains("Covered: T in 2", thrown.Message);
    }

    private static readonly Lazy<Type> BertType = new(() => SequenceLengthTests.Compile("SeqBert", Bert));

    private static readonly Lazy<MemoryReport> BertReport =
        new(() => (MemoryReport)BertType.Value.GetProperty("MemoryReport")!.GetValue(null)!);
}

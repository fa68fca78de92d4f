using System;
using System.Linq;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TorchBudget.Tests.Transformers;

/// <summary>
/// A decoder's generation step with a key/value cache as its second input, as ports write it: the new token's keys and
/// values are joined to the cache's by <c>torch.cat</c> along the cache's sequence dimension in each layer, and attention
/// runs over them. Compiled and run for real: every training and inference row equals the allocation counter at several
/// (batch, cache length) points, and the Notes give the cache's bytes per token and layer, checked against real tensors.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class KeyValueCacheTests(ITestOutputHelper output)
{
    internal const string Source = """
        public class CachedAttention{0} : Module<Tensor, Tensor, Tensor>
        {
            private readonly Linear qkv = Linear(32, 96), proj = Linear(32, 32);
            public CachedAttention{0}() : base("attention") => RegisterComponents();
            public override Tensor forward(Tensor x, Tensor cache)
            {
                var b = x.shape[0];
                var parts = qkv.forward(x).split(32, -1);
                var q = parts[0].view(b, 1, 4, 8).transpose(1, 2);
                var k = parts[1].view(b, 1, 4, 8).transpose(1, 2);
                var v = parts[2].view(b, 1, 4, 8).transpose(1, 2);
                var keys = torch.cat(new[] { cache[.., 0], k }, 2);
                var values = torch.cat(new[] { cache[.., 1], v }, 2);
                var y = functional.scaled_dot_product_attention(q, keys, values);
                return proj.forward(y.transpose(1, 2).reshape(b, 1, 32));
            }
        }
        [MemoryProfile(1, InputDType = ScalarType.Int64, Loss = LossKind.SequenceCrossEntropy)]
        [MemoryInput(1, 2, 2, 4, 12, 8, SequenceDimensions = new[] { 3 })]
        public partial class {0} : Module<Tensor, Tensor, Tensor>
        {
            private readonly Embedding tokens = Embedding(50, 32);
            private readonly ModuleList<CachedAttention{0}> layers = new();
            private readonly Linear head = Linear(32, 50);
            public {0}() : base(nameof({0}))
            {
                for (var i = 0; i < 2; i++) layers.Add(new CachedAttention{0}());
                RegisterComponents();
            }
            public override Tensor forward(Tensor ids, Tensor cache)
            {
                var x = tokens.forward(ids);
                for (var i = 0; i < 2; i++) x = x + layers[i].forward(x, cache[.., i]);
                return head.forward(x);
            }
        }
        """;

    /// <summary>
    /// Each layer joins the cache's keys and its values, [B, 4, T, 8] Float32 each: per token and sample, what a real cache
    /// of T + 1 tokens holds more than one of T, per cat and for the whole [2, 2, 4, T, 8] input.
    /// </summary>
    [Fact]
    public void The_notes_give_the_cache_bytes_per_token_and_layer()
    {
        var type = SequenceLengthTests.Compile("CachedDecoderNotes", Source);
        var report = (MemoryReport)type.GetProperty("MemoryReport")!.GetValue(null)!;
        long Bytes(params long[] shape) { using var t = zeros(shape); return t.NumberOfElements * t.ElementSize; }
        var perPlace = Bytes(1, 4, 13, 8) - Bytes(1, 4, 12, 8);
        var perInput = Bytes(1, 2, 2, 4, 13, 8) - Bytes(1, 2, 2, 4, 12, 8);
        var note = Assert.Single(report.Notes, n => n.StartsWith("Key/value cache", StringComparison.Ordinal));
        output.WriteLine(note);
        Assert.Equal($"Key/value cache: forward's input 'cache' is extended by cat in 4 places (2 in 'layers.0', 2 in 'layers.1'): "
            + $"{perPlace:N0} B per token and sample at each, {perInput:N0} B per token and sample in all, "
            + $"{perInput / 2:N0} B per token, sample and layer.", note);
    }

    /// <summary>An input joined with computed features, where it marks no sequence dimension, is no cache: no such Note.</summary>
    [Fact]
    public void An_input_joined_without_sequence_dimensions_is_no_cache()
    {
        var source = Ops.OpModel.Template(width: 12, headFeatures: 120).Replace("{1}", "var y = torch.cat(new[] { x, h[.., .., ..10] }, 2);",
            StringComparison.Ordinal);
        var type = SequenceLengthTests.Compile("JoinedInput", source);
        var report = (MemoryReport)type.GetProperty("MemoryReport")!.GetValue(null)!;
        Assert.DoesNotContain(report.Notes, n => n.StartsWith("Key/value cache", StringComparison.Ordinal));
    }

    private static readonly Lazy<Type> Compiled = new(() => SequenceLengthTests.Compile("CachedDecoderLengths", Source));

    /// <summary>
    /// The generation step at other cache lengths (ForSequenceLength(T)) and batches, run for real: every row as at the
    /// profiled length (the flash kernel's per-thread buffers may overlap by up to 1%, as its Note says). The report
    /// covers T from 1 to 32, where the step's paths were followed, and says so past it.
    /// </summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 5)]
    [InlineData(3, 31)]
    public void Rows_follow_the_cache_length(long batch, long length)
    {
        var report = ((MemoryReport)Compiled.Value.GetProperty("MemoryReport")!.GetValue(null)!).ForSequenceLength(length);
        using var model = (nn.Module)Activator.CreateInstance(Compiled.Value)!;
        Assert.Empty(SequenceLengthTests.RowProblems(model, report, batch, length, output.WriteLine, threadsOverlap: true));
    }

    [Fact]
    public void Every_row_equals_the_real_model()
    {
        var problems = ExactRows.Problems("CachedDecoder", Source, 3, "transformers", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

using System.Linq;
using TorchBudget.Tests.Generator;
using Xunit;

namespace TorchBudget.Tests.Transformers;

/// <summary>
/// TBG014 at the call where a sequence-first attention layer (TorchSharp 0.107 has no batch_first) gets [B, T, E]; none
/// where the model transposes to [T, B, E] first.
/// </summary>
public sealed class BatchFirstWarningTests
{
    [Theory]
    [InlineData("private readonly TransformerEncoderLayer encoder = TransformerEncoderLayer(64, 4, 128);",
        "head.forward(encoder.forward(x).mean(new long[] { 1 }))", "TransformerEncoderLayer takes [S, N, 64] (sequence first)")]
    [InlineData("private readonly MultiheadAttention attention = MultiheadAttention(64, 4);",
        "head.forward(attention.forward(x, x, x, null, false, null).Item1.mean(new long[] { 1 }))", "MultiheadAttention takes [L, N, E] query")]
    [InlineData("private readonly TransformerEncoderLayer encoder = TransformerEncoderLayer(64, 4, 128);",
        "head.forward(encoder.forward(x.transpose(0, 1)).transpose(0, 1).mean(new long[] { 1 }))", null)]
    public void Warns_at_the_call_where_the_batch_comes_first(string field, string forward, string? message)
    {
        var compilation = TestCompilation.Create(TestCompilation.Usings + $$"""
            [MemoryProfile(16, 64)]
            public partial class Classifier : Module<Tensor, Tensor>
            {
                {{field}}
                private readonly Linear head = Linear(64, 3);
                public Classifier() : base(nameof(Classifier)) => RegisterComponents();
                public override Tensor forward(Tensor x)
                {
                    return {{forward}};
                }
            }
            """);
        var (output, _, _) = TestCompilation.Generate(compilation);
        var warnings = TestCompilation.Analyze(output).Where(d => d.Id == "TBG014").ToList();
        if (message is null)
        {
            Assert.Empty(warnings);
            return;
        }
        var warning = Assert.Single(warnings);
        Assert.StartsWith(message, warning.GetMessage());
        Assert.Contains("but gets [B, 16, 64]", warning.GetMessage());
        // At the forward call (the return statement: line 8, 0-based, after the usings).
        Assert.Equal(8, warning.Location.GetLineSpan().StartLinePosition.Line - TestCompilation.Usings.Count(c => c == '\n'));
    }
}

using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// torch.where(condition, x, y) and x.where(condition, y): the result at the broadcast shape, the condition kept, and
/// backward's gradient per value at the result's size, summed down for a broadcast one (a trainable row, a [T, T]
/// buffer that needs none); tril and triu in forward, on a mask made per call and on scores that need a gradient.
/// Compiled and run for real: every row equals the allocation counter at batch 1 and another.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class WhereTests(ITestOutputHelper output)
{
    private static readonly string Template = OpModel.Template(width: 10, headFeatures: 60, fields: """
        private readonly Parameter row = Parameter(torch.randn(10));
            private readonly Tensor blocked = torch.full(6, 6, -1e9);
            private readonly Tensor causal = torch.ones(6, 6, dtype: ScalarType.Bool).tril();
        """);

    [Theory]
    [InlineData("WhereFunction", "var y = torch.where(h > 0, h, h.tanh());", 3)]
    [InlineData("WhereMethodBroadcastRow", "var y = h.where(h.lt(0.25), row);", 2)]
    [InlineData("WhereCausalScores", """
        var scores = h.matmul(h.transpose(1, 2));
        var y = functional.softmax(torch.where(causal, scores, blocked), -1).matmul(h);
        """, 4)]
    [InlineData("WhereMaskMadeInForward", """
        var causal = torch.ones(6, 6, dtype: ScalarType.Bool).tril();
        var y = functional.softmax(torch.where(causal, h.matmul(h.transpose(1, 2)), blocked), -1).matmul(h);
        """, 3)]
    [InlineData("TrilOfScores", "var y = (h.matmul(h.transpose(1, 2)).triu(1) + h.matmul(h.transpose(1, 2)).tril()).matmul(h);", 2)]
    public void Every_row_is_exact(string name, string statements, long batch)
    {
        OpModel.AssertExact(output, Template, name, statements, batch, "where");
    }
}

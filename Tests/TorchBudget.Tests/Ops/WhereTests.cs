using TorchBudget.Tests.Differential;
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
    private const string Template = """
        [MemoryProfile(6, 10)]
        public partial class {0} : Module<Tensor, Tensor>
        {
            private readonly Linear f = Linear(10, 10);
            private readonly Parameter row = Parameter(torch.randn(10));
            private readonly Tensor blocked = torch.full(6, 6, -1e9);
            private readonly Tensor causal = torch.ones(6, 6, dtype: ScalarType.Bool).tril();
            private readonly Linear head = Linear(60, 4);
            public {0}() : base(nameof({0})) => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var h = f.forward(x);
                {1}
                return head.forward(y.flatten(1));
            }
        }
        """;

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
        var problems = ExactRows.Problems(name, Template.Replace("{1}", statements), batch, "where", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

using System.Collections.Generic;
using System.Linq;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Transformers;

/// <summary>
/// The ops attention code is written with, each on the case its rule singles out (measured with the allocation tracker
/// first, then held here against the counter at batch 1 and an odd batch): split's backward filling zeros for a part
/// that got no gradient, masked_fill's contiguous result over a transposed input, C# ranges and from-end indices,
/// arange's dtype and length, comparisons of two tensors.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class AttentionOpsTests(ITestOutputHelper output)
{
    private sealed record Case(string Name, string Input, string Fields, string Forward, long HeadWidth, long Batch);

    private static readonly Case[] Cases =
    {
        new("SplitOnePartUsed", "6, 8", "private readonly Linear proj = Linear(8, 24);",
            "var parts = proj.forward(x).split(new long[] { 8, 16 }, 2); return head.forward(parts[1].relu().flatten(1));", 6 * 16, 3),
        new("ChunkAndUnbind", "4, 6", "private readonly Linear proj = Linear(6, 12);",
            "var a = proj.forward(x).chunk(3, -1); var u = a[1].unbind(1); "
            + "return head.forward((a[0] * a[2]).flatten(1) + u[0].sum(1, keepdim: true) * 2 + u[3].sum(1, keepdim: true));", 4 * 4, 5),
        new("MaskedFillTransposed", "5, 7",
            "private readonly Linear proj = Linear(7, 5); private readonly Tensor causal = torch.tril(torch.ones(6, 6));",
            "var s = proj.forward(x).transpose(1, 2); s = s.masked_fill(causal[..5, ..5] == 0, float.NegativeInfinity); "
            + "return head.forward(functional.softmax(s, -1).flatten(1));", 25, 3),
        new("RangesAndFromEnd", "6, 10", "private readonly Linear proj = Linear(10, 10);",
            "var h = proj.forward(x); var last = h[.., ^1, ..]; var middle = h[.., 1..^1, 2..]; "
            + "return head.forward(middle.flatten(1) * last.sum(-1, keepdim: true));", 4 * 8, 5),
        new("ArangePositions", "6, 9", "private readonly Embedding positions = Embedding(6, 9); private readonly Linear proj = Linear(9, 9);",
            "var pos = torch.arange(0, x.shape[1], dtype: ScalarType.Int64, device: x.device); "
            + "var h = proj.forward(x) + positions.forward(pos) + torch.arange(0.0, 4.5, 0.5); "
            + "return head.forward(h.masked_fill(h > h.mean(new long[] { 2 }, keepdim: true), 0.0).flatten(1));", 54, 3),
    };

    public static IEnumerable<object[]> Names => Cases.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_row_equals_the_real_model(string name)
    {
        var c = Cases.Single(k => k.Name == name);
        var source = $$"""
            [MemoryProfile({{c.Input}})]
            public partial class {0} : Module<Tensor, Tensor>
            {
                {{c.Fields}}
                private readonly Linear head = Linear({{c.HeadWidth}}, 3);
                public {0}() : base(nameof({0})) => RegisterComponents();
                public override Tensor forward(Tensor x)
                {
                    {{c.Forward}}
                }
            }
            """;
        var problems = ExactRows.Problems(c.Name, source, c.Batch, "attention ops", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

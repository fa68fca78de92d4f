namespace TorchBudget.Tests.Transformers;

/// <summary>
/// A GPT-style attention block as nanoGPT ports write it, around one attention expression: a fused projection split into
/// q, k and v as [B, 4, T, 8], the attention, its heads joined back, a residual and a classifier over the sequence.
/// </summary>
internal static class AttentionBlock
{
    /// <param name="field">More field declarations (a mask buffer).</param>
    /// <param name="attend">The expression over q, k, v (and b, t) that gives y as [B, 4, T, width / 4].</param>
    /// <param name="width">The joined heads' width.</param>
    public static string Source(long length, string field, string attend, long width = 32) => $$"""
        [MemoryProfile({{length}}, 32)]
        public partial class {0} : Module<Tensor, Tensor>
        {
            private readonly Linear qkv = Linear(32, 96);
            private readonly Linear proj = Linear({{width}}, 32);
            {{field}}
            private readonly Linear head = Linear({{length * 32}}, 3);
            public {0}() : base(nameof({0})) => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var (b, t) = (x.shape[0], x.shape[1]);
                var parts = qkv.forward(x).split(32, 2);
                var q = parts[0].view(b, t, 4, 8).transpose(1, 2);
                var k = parts[1].view(b, t, 4, 8).transpose(1, 2);
                var v = parts[2].view(b, t, 4, 8).transpose(1, 2);
                var y = {{attend}};
                y = y.transpose(1, 2).contiguous().view(b, t, {{width}});
                return head.forward((x + proj.forward(y)).flatten(1));
            }
        }
        """;
}

using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// Multi-head self-attention written by hand, as GPT ports write it (issue #14): per-head views made by
/// view(B, T, H, D).transpose(1, 2), scores by a batched matmul with the transposed keys, softmax, the weighted sum,
/// and the heads merged back with transpose(1, 2).contiguous().view(B, T, C). The batched matmuls copy their
/// transposed operands to contiguous 3-d tensors, and autograd keeps those copies.
/// </summary>
[MemoryProfile(32, 64)]
public partial class HandWrittenAttention : Module<Tensor, Tensor>
{
    private const long Embed = 64;
    private const long Heads = 4;
    private const long HeadDim = Embed / Heads;

    private readonly Linear query = Linear(Embed, Embed);
    private readonly Linear key = Linear(Embed, Embed);
    private readonly Linear value = Linear(Embed, Embed);
    private readonly Linear projection = Linear(Embed, Embed);
    private readonly LayerNorm norm = LayerNorm(Embed);
    private readonly Linear classifier = Linear(Embed, 5);

    public HandWrittenAttention() : base(nameof(HandWrittenAttention)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        var batch = x.shape[0];
        var tokens = x.shape[1];
        var q = query.forward(x).view(batch, tokens, Heads, HeadDim).transpose(1, 2);
        var k = key.forward(x).view(batch, tokens, Heads, HeadDim).transpose(1, 2);
        var v = value.forward(x).view(batch, tokens, Heads, HeadDim).transpose(1, 2);
        var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(HeadDim);
        var attended = functional.softmax(scores, -1).matmul(v);
        var merged = attended.transpose(1, 2).contiguous().view(batch, tokens, Embed);
        var hidden = norm.forward(x + projection.forward(merged));
        return classifier.forward(hidden.mean(new long[] { 1 }));
    }
}

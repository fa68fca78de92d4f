using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// Perceiver-style cross attention: learned latent queries (a Parameter field) attend to the input
/// tokens through MultiheadAttention whose keys and values are narrower than the embedding
/// (kdim = vdim: TorchSharp's native attention requires key and value of the same size).
/// </summary>
[MemoryProfile(16, 40)]
public partial class CrossAttention : Module<Tensor, Tensor>
{
    private const long InputDim = 40;
    private const long EmbedDim = 64;
    private const long KeyDim = 24;
    private const long ValueDim = KeyDim;
    private const long Latents = 8;

    private readonly Parameter latents;
    private readonly Linear toKeys = Linear(InputDim, KeyDim);
    private readonly Linear toValues = Linear(InputDim, ValueDim);
    private readonly MultiheadAttention attention;
    private readonly Linear output;

    public CrossAttention(long numClasses = 3) : base(nameof(CrossAttention))
    {
        latents = Parameter(torch.randn(Latents, 1, EmbedDim) * 0.02);
        attention = MultiheadAttention(EmbedDim, num_heads: 4, kdim: KeyDim, vdim: ValueDim);
        output = Linear(EmbedDim, numClasses);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        // x: [batch, tokens, InputDim] → sequence-first keys and values.
        var tokensFirst = x.transpose(0, 1);
        var keys = toKeys.forward(tokensFirst);
        var values = toValues.forward(tokensFirst);
        var queries = latents.expand(Latents, x.shape[0], EmbedDim);
        var (attended, _) = attention.call(queries, keys, values);
        return output.forward(attended.mean(new long[] { 0 }));
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// Two EmbeddingBag encoders (mean and max) over the same token bag, fused by Bilinear, then
/// PReLU with one slope per feature and a LayerNorm given its shape as an array.
/// </summary>
[MemoryProfile(24, InputDType = ScalarType.Int64, Arguments = new object[] { 3000L })]
public partial class BagOfWordsBilinear : Module<Tensor, Tensor>
{
    private const long Dim = 48;
    private const long Hidden = 32;

    private readonly EmbeddingBag meanBag;
    private readonly EmbeddingBag maxBag;
    private readonly Bilinear fuse;
    private readonly PReLU act;
    private readonly LayerNorm norm;
    private readonly Linear output;

    public BagOfWordsBilinear(long vocabSize, long numClasses = 4) : base(nameof(BagOfWordsBilinear))
    {
        meanBag = EmbeddingBag(vocabSize, Dim, mode: EmbeddingBagMode.Mean);
        maxBag = EmbeddingBag(vocabSize, Dim / 2, mode: EmbeddingBagMode.Max);
        fuse = Bilinear(Dim, Dim / 2, Hidden);
        act = PReLU(num_parameters: Hidden, init: 0.1);
        norm = LayerNorm(new long[] { Hidden });
        output = Linear(Hidden, numClasses);
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens)
    {
        // A 2-D input is one bag per row, no offsets needed.
        var fused = fuse.call(meanBag.call(tokens), maxBag.call(tokens));
        return output.forward(norm.forward(act.forward(fused)));
    }
}

using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// Token classifier on TorchSharp's (sequence-first) TransformerEncoder, with a learned positional
/// Parameter and a feed-forward width computed with a cast. The encoder layer is a local, as in
/// the TorchSharp examples, so only the encoder's copies of it are registered.
/// </summary>
[MemoryProfile(64, InputDType = ScalarType.Int64, Arguments = new object[] { 8000L, 128L })]
public partial class TransformerEncoderClassifier : Module<Tensor, Tensor>
{
    private const int MaxLength = 64;
    private const double FeedForwardRatio = 4.0;

    private readonly Embedding tokenEmbedding;
    private readonly Parameter positionEmbedding;
    private readonly TransformerEncoder encoder;
    private readonly LayerNorm norm;
    private readonly Linear classifier;
    private readonly double scale;

    public TransformerEncoderClassifier(long vocabSize, long dModel, long nHead = 4, long numLayers = 2, long numClasses = 5)
        : base(nameof(TransformerEncoderClassifier))
    {
        tokenEmbedding = Embedding(vocabSize, dModel);
        positionEmbedding = Parameter(torch.zeros(MaxLength, 1, dModel));
        var encoderLayer = TransformerEncoderLayer(dModel, nHead, dim_feedforward: (long)(dModel * FeedForwardRatio), dropout: 0.1);
        encoder = TransformerEncoder(encoderLayer, numLayers);
        norm = LayerNorm(dModel);
        classifier = Linear(dModel, numClasses);
        scale = Math.Sqrt(dModel);
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens)
    {
        // [batch, seq] → [seq, batch, dModel]
        var x = tokenEmbedding.forward(tokens.t()) * scale;
        x = x + positionEmbedding[TensorIndex.Slice(0, tokens.shape[1])];
        x = encoder.call(x);
        return classifier.forward(norm.forward(x.mean(new long[] { 0 })));
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// Sentiment classifier over 32 token ids: Embedding with a padding index, a 2-layer bidirectional
/// batch-first LSTM (named arguments) and a Linear over both directions' final states.
/// </summary>
[MemoryProfile(32, InputDType = ScalarType.Int64)]
public partial class LstmTextClassifier : Module<Tensor, Tensor>
{
    private const long VocabSize = 20_000;
    private const long EmbeddingDim = 100;
    private const long HiddenSize = 128;
    private const long NumLayers = 2;

    private readonly Embedding embedding;
    private readonly LSTM lstm;
    private readonly Dropout dropout;
    private readonly Linear fc;

    public LstmTextClassifier(long numClasses = 2) : base(nameof(LstmTextClassifier))
    {
        embedding = Embedding(VocabSize, EmbeddingDim, padding_idx: 0);
        lstm = LSTM(EmbeddingDim, HiddenSize, numLayers: NumLayers, batchFirst: true, dropout: 0.3, bidirectional: true);
        dropout = Dropout(0.3);
        fc = Linear(HiddenSize * 2, numClasses);
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens)
    {
        var embedded = dropout.forward(embedding.forward(tokens));
        var (_, hidden, _) = lstm.call(embedded);
        // hidden: [numLayers * 2, batch, hidden]; the last layer's forward and backward states.
        var last = torch.cat(new[] { hidden[-2], hidden[-1] }, dim: 1);
        return fc.forward(dropout.forward(last));
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// Sequence classifier over 24 token ids: Embedding, a 2-layer bidirectional batch-first GRU with dropout
/// between its layers, and a Linear over the last step of its output sequence (both directions).
/// </summary>
[MemoryProfile(24, InputDType = ScalarType.Int64)]
public partial class GruClassifier : Module<Tensor, Tensor>
{
    private readonly Embedding embedding;
    private readonly GRU gru;
    private readonly Linear fc;

    public GruClassifier(long vocabSize = 3000, long numClasses = 5) : base(nameof(GruClassifier))
    {
        embedding = Embedding(vocabSize, 48);
        gru = GRU(48, 64, numLayers: 2, batchFirst: true, dropout: 0.2, bidirectional: true);
        fc = Linear(2 * 64, numClasses);
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens)
    {
        var (output, _) = gru.call(embedding.forward(tokens));
        // output: [batch, 24, 128]; the last step's features of both directions.
        return fc.forward(output[TensorIndex.Colon, -1]);
    }
}

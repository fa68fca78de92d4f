using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// Part-of-speech tagger: one tag score vector per token. Its sizes come from the attribute's
/// Arguments (ints, for long parameters), the last constructor parameter left to its default.
/// </summary>
[MemoryProfile(20, InputDType = ScalarType.Int64, Arguments = new object[] { 5000, 64, 96, 17 }, Loss = LossKind.SequenceCrossEntropy)]
public partial class GruTagger : torch.nn.Module<Tensor, Tensor>
{
    private readonly Embedding embed;
    private readonly GRU gru;
    private readonly Linear hidden2tag;

    public GruTagger(long vocabSize, long embeddingDim, long hiddenDim, long tagCount, long numLayers = 1)
        : base(nameof(GruTagger))
    {
        embed = torch.nn.Embedding(vocabSize, embeddingDim);
        gru = torch.nn.GRU(embeddingDim, hiddenDim, numLayers, batchFirst: true);
        hidden2tag = torch.nn.Linear(hiddenDim, tagCount);
        RegisterComponents();
    }

    public override Tensor forward(Tensor sentence)
    {
        var (output, _) = gru.call(embed.forward(sentence));
        return torch.nn.functional.log_softmax(hidden2tag.forward(output), dim: -1);
    }
}

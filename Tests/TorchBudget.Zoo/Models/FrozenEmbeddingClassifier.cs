using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// Kim's CNN for sentence classification over frozen pretrained word vectors, installed as a
/// Parameter with <c>requires_grad: false</c>: one Conv1d per window size from a static table,
/// kept in a ModuleList built with LINQ. (Not <c>Embedding_from_pretrained(..., freeze: true)</c>:
/// in TorchSharp 0.107 that registers a stale, trainable random weight; see the zoo's tests.)
/// </summary>
[MemoryProfile(40, InputDType = ScalarType.Int64)]
public partial class FrozenEmbeddingClassifier : Module<Tensor, Tensor>
{
    private static readonly long[] WindowSizes = { 3, 4, 5 };
    private const long FiltersPerWindow = 50;

    private readonly Embedding embedding;
    private readonly ModuleList<Conv1d> convs;
    private readonly Dropout dropout = Dropout(0.5);
    private readonly Linear fc;

    public FrozenEmbeddingClassifier(long vocabSize = 12_000, long embeddingDim = 50, long numClasses = 2)
        : base(nameof(FrozenEmbeddingClassifier))
    {
        // Stands in for GloVe vectors loaded from disk.
        var pretrained = torch.randn(vocabSize, embeddingDim);
        embedding = Embedding(vocabSize, embeddingDim);
        embedding.weight = Parameter(pretrained, requires_grad: false);
        convs = ModuleList(WindowSizes.Select(k => Conv1d(embeddingDim, FiltersPerWindow, k)).ToArray());
        fc = Linear(WindowSizes.Length * FiltersPerWindow, numClasses);
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens)
    {
        var x = embedding.forward(tokens).permute(0, 2, 1); // [batch, dim, tokens]
        var pooled = convs.Select(conv => functional.relu(conv.forward(x)).amax(new long[] { 2 })).ToArray();
        return fc.forward(dropout.forward(torch.cat(pooled, dim: 1)));
    }
}

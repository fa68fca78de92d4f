using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// TorchSharp 0.107 behaviour the zoo ran into, pinned so that the generator's authors can rely on
/// it (and so that a TorchSharp upgrade that changes it is noticed).
/// </summary>
public class TorchSharpBehaviourTests
{
    [Fact]
    public void EmbeddingFromPretrainedRegistersAStaleTrainableWeight()
    {
        var pretrained = torch.arange(40, dtype: ScalarType.Float32).reshape(10, 4);
        using var embedding = Embedding_from_pretrained(pretrained, freeze: true);
        var registered = embedding.parameters().Single();

        // forward and .weight use the pretrained, frozen tensor...
        Assert.True(embedding.weight!.allclose(pretrained));
        Assert.False(embedding.weight!.requires_grad);
        Assert.True(embedding.forward(torch.tensor(new long[] { 3 }))[0].allclose(pretrained[3]));
        // ...but parameters() (what optimizers and state_dict see) holds the random initial weight, trainable.
        Assert.False(registered.allclose(pretrained));
        Assert.True(registered.requires_grad);
    }

    [Fact]
    public void ReplacingAnEmbeddingsWeightReRegistersIt()
    {
        var pretrained = torch.randn(10, 4);
        var expected = pretrained.clone();
        using var embedding = Embedding(10, 4);
        embedding.weight = Parameter(pretrained, requires_grad: false);

        var registered = embedding.parameters().Single();
        Assert.True(registered.allclose(expected));
        Assert.False(registered.requires_grad);
    }

    [Fact]
    public void ParameterTakesOverTheTensorItWraps()
    {
        var data = torch.ones(3);
        var parameter = Parameter(data);

        // The Parameter owns the native handle now; the original Tensor object is left empty.
        Assert.Equal(3, parameter.numel());
        Assert.Throws<System.InvalidOperationException>(() => data.numel());
    }

    [Fact]
    public void MultiheadAttentionNeedsKeysAndValuesOfTheSameSize()
    {
        // Constructing with kdim != vdim works; the native (libtorch C++) forward asserts
        // key.sizes() == value.sizes().
        using var attention = MultiheadAttention(64, 4, kdim: 24, vdim: 48);
        Assert.Throws<ExternalException>(() =>
            attention.call(torch.randn(8, 2, 64), torch.randn(5, 2, 24), torch.randn(5, 2, 48)));
    }

    [Fact]
    public void TransformerEncoderClonesItsLayer()
    {
        using var layer = TransformerEncoderLayer(16, 2, 32);
        using var encoder = TransformerEncoder(layer, 3);

        var perLayer = layer.parameters().Sum(p => p.numel());
        Assert.Equal(3 * perLayer, encoder.parameters().Sum(p => p.numel()));
        // Its layers are native: parameters are named layers.N.*, but named_modules() lists nothing below it.
        Assert.Contains(encoder.named_parameters(), p => p.name.StartsWith("layers.2."));
        Assert.Empty(encoder.named_modules());
    }

    [Fact]
    public void NamedModulesListsChildrenBeforeGrandchildrenAndRepeatsSharedModules()
    {
        using var net = new SharedLayerNet();

        // Unlike PyTorch (pre-order, duplicates removed): all children first, then each child's
        // subtree; the shared Linear appears under all three of its names.
        Assert.Equal(
            new[] { "input", "shared", "body", "output", "body.first", "body.act1", "body.second", "body.act2" },
            net.named_modules().Select(m => m.name));
        // named_parameters() does remove duplicates, keeping the first name.
        Assert.Equal(
            new[] { "input.weight", "input.bias", "shared.weight", "shared.bias", "output.weight", "output.bias" },
            net.named_parameters().Select(p => p.name));
    }
}

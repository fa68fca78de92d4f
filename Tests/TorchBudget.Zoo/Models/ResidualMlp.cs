using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// An MLP whose hidden widths come from a static readonly table: a ModuleList filled by a for
/// loop, a parallel ModuleList of LayerNorms, and casts from a double expansion factor.
/// </summary>
[MemoryProfile(64, Arguments = new object[] { 64, 1.5 })]
public partial class ResidualMlp : Module<Tensor, Tensor>
{
    private static readonly long[] Widths = { 128, 128, 64 };

    private readonly Linear inputProjection;
    private readonly ModuleList<Module<Tensor, Tensor>> layers = new ModuleList<Module<Tensor, Tensor>>();
    private readonly ModuleList<LayerNorm> norms = new ModuleList<LayerNorm>();
    private readonly Linear outputProjection;

    public ResidualMlp(long inputSize, double expansion, long outputSize = 1) : base(nameof(ResidualMlp))
    {
        inputProjection = Linear(inputSize, Widths[0]);
        for (var i = 0; i < Widths.Length; i++)
        {
            var width = Widths[i];
            var next = i + 1 < Widths.Length ? Widths[i + 1] : Widths[i];
            var inner = (long)(width * expansion);
            layers.Add(Sequential(Linear(width, inner), GELU(), Linear(inner, next)));
            norms.Add(LayerNorm(next));
        }
        outputProjection = Linear(Widths[^1], outputSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = inputProjection.forward(x);
        for (var i = 0; i < layers.Count; i++)
        {
            var y = layers[i].forward(x);
            x = norms[i].forward(y.shape[^1] == x.shape[^1] ? x + y : y);
        }
        return outputProjection.forward(x);
    }
}

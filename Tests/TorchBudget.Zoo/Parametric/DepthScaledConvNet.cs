using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// A parametric convolution net whose depth and class count vary but whose channel widths are fixed: oneDNN's
/// convolution rules read only constant channel counts, so forward and backward follow every depth.
/// </summary>
[MemoryProfile(3, 16, 16, Arguments = new object[] { 3, 10 }, BatchSizes = new long[] { 1, 2 })]
public partial class DepthScaledConvNet : Module<Tensor, Tensor>
{
    private const long Width = 8;

    private readonly Conv2d stem = Conv2d(3, Width, 3, padding: 1);
    private readonly ModuleList<Module<Tensor, Tensor>> blocks = new ModuleList<Module<Tensor, Tensor>>();
    private readonly Linear head;

    public DepthScaledConvNet(int depth, int classes) : base(nameof(DepthScaledConvNet))
    {
        for (var i = 0; i < depth; i++) blocks.Add(Sequential(Conv2d(Width, Width, 3, padding: 1), ReLU()));
        head = Linear(Width * 16 * 16, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = functional.relu(stem.call(x));
        foreach (var block in blocks) x = block.call(x);
        return head.call(x.flatten(1));
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// A parametric MLP: depth blocks of Linear + LayerNorm + ReLU built in a loop, the first block taking the input
/// width. Its parameter count is a polynomial in the widths on each depth, so ParameterCountFor covers width sweeps
/// and depths 1 … 16.
/// </summary>
[MemoryProfile(32, Arguments = new object[] { 32, 64, 3, 10 }, BatchSizes = new long[] { 1, 2 })]
public partial class StackedMlp : Module<Tensor, Tensor>
{
    private readonly ModuleList<Module<Tensor, Tensor>> blocks = new ModuleList<Module<Tensor, Tensor>>();
    private readonly Linear head;

    public StackedMlp(int inputs, int hidden, int depth, int classes) : base(nameof(StackedMlp))
    {
        for (var i = 0; i < depth; i++)
        {
            blocks.Add(Sequential(Linear(i == 0 ? inputs : hidden, hidden), LayerNorm(hidden), ReLU()));
        }
        head = Linear(hidden, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        foreach (var block in blocks) x = block.call(x);
        return head.call(x);
    }
}

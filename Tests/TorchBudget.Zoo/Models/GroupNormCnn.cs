using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// GroupNorm CNN whose stages live in a ModuleDict keyed by name and filled by a loop over a
/// static table of channel counts; the GroupNorms are initialised by an <c>apply</c> pass.
/// </summary>
[MemoryProfile(3, 64, 64)]
public partial class GroupNormCnn : Module<Tensor, Tensor>
{
    private static readonly long[] Channels = { 32, 64, 128 };
    private const long Groups = 8;

    private readonly ModuleDict<Module<Tensor, Tensor>> blocks = new();
    private readonly Module<Tensor, Tensor> pool = AdaptiveAvgPool2d(1);
    private readonly Module<Tensor, Tensor> head;

    public GroupNormCnn(long numClasses = 10) : base(nameof(GroupNormCnn))
    {
        long inC = 3;
        for (var i = 0; i < Channels.Length; i++)
        {
            var outC = Channels[i];
            blocks.Add($"block{i + 1}", Sequential(
                Conv2d(inC, outC, kernel_size: 3, stride: 2, padding: 1, bias: false),
                GroupNorm(num_groups: Groups, num_channels: outC),
                SiLU()));
            inC = outC;
        }
        head = Linear(inC, numClasses);
        RegisterComponents();

        // TorchSharp 0.107 creates GroupNorm's affine parameters with torch.empty and never
        // initialises them (PyTorch uses ones and zeros), so do it here or forward yields NaN.
        apply(module =>
        {
            if (module is GroupNorm norm)
            {
                init.ones_(norm.weight);
                init.zeros_(norm.bias!);
            }
        });
    }

    public override Tensor forward(Tensor x)
    {
        foreach (var (_, block) in blocks)
            x = block.forward(x);
        return head.forward(pool.forward(x).flatten(1));
    }
}

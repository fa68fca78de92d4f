using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// A CIFAR-sized ResNet whose depth comes from the attribute's Arguments (an array of blocks per
/// stage); stages live in a ModuleList filled by nested loops, widths doubling per stage.
/// </summary>
[MemoryProfile(3, 32, 32, Arguments = new object[] { new long[] { 2, 2, 2 }, 16L })]
public partial class SmallResNet : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> stem;
    private readonly ModuleList<Module<Tensor, Tensor>> stages = new();
    private readonly Module<Tensor, Tensor> head;

    public SmallResNet(long[] blocksPerStage, long baseWidth = 16, long numClasses = 10) : base(nameof(SmallResNet))
    {
        stem = Sequential(
            Conv2d(3, baseWidth, 3, padding: 1, bias: false),
            BatchNorm2d(baseWidth),
            ReLU());

        var inC = baseWidth;
        for (var s = 0; s < blocksPerStage.Length; s++)
        {
            var outC = baseWidth << s;
            var stage = Sequential();
            for (var b = 0; b < blocksPerStage[s]; b++)
            {
                stage.append(new BasicBlock(inC, outC, stride: b == 0 && s > 0 ? 2 : 1));
                inC = outC;
            }
            stages.Add(stage);
        }

        head = Sequential(AdaptiveAvgPool2d(1), Flatten(), Linear(inC, numClasses));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = stem.forward(input);
        foreach (var stage in stages)
            x = stage.forward(x);
        return head.forward(x);
    }
}

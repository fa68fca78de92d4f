using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Samples.Models;

/// <summary>
/// torchvision's resnet18: a helper that builds each stage as a Sequential of
/// <see cref="BasicBlock"/>s, only the first block of a stage downsampling.
/// </summary>
[MemoryProfile(3, 224, 224, Optimizer = OptimizerKind.SgdMomentum)]
public partial class ResNet18 : Module<Tensor, Tensor>
{
    private static readonly long[] StageWidths = { 64, 128, 256, 512 };
    private const int BlocksPerStage = 2;

    private readonly Module<Tensor, Tensor> conv1;
    private readonly Module<Tensor, Tensor> bn1;
    private readonly Module<Tensor, Tensor> relu;
    private readonly Module<Tensor, Tensor> maxpool;
    private readonly Module<Tensor, Tensor> layer1;
    private readonly Module<Tensor, Tensor> layer2;
    private readonly Module<Tensor, Tensor> layer3;
    private readonly Module<Tensor, Tensor> layer4;
    private readonly Module<Tensor, Tensor> avgpool;
    private readonly Module<Tensor, Tensor> fc;
    private long inplanes = 64;

    public ResNet18(long numClasses = 1000) : base(nameof(ResNet18))
    {
        conv1 = Conv2d(3, inplanes, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = BatchNorm2d(inplanes);
        relu = ReLU(inplace: true);
        maxpool = MaxPool2d(kernel_size: 3, stride: 2, padding: 1);
        layer1 = MakeLayer(StageWidths[0], BlocksPerStage, stride: 1);
        layer2 = MakeLayer(StageWidths[1], BlocksPerStage, stride: 2);
        layer3 = MakeLayer(StageWidths[2], BlocksPerStage, stride: 2);
        layer4 = MakeLayer(StageWidths[3], BlocksPerStage, stride: 2);
        avgpool = AdaptiveAvgPool2d(new long[] { 1, 1 });
        fc = Linear(512 * BasicBlock.Expansion, numClasses);
        RegisterComponents();
    }

    private Module<Tensor, Tensor> MakeLayer(long planes, int blocks, long stride)
    {
        var modules = new List<Module<Tensor, Tensor>> { new BasicBlock(inplanes, planes, stride) };
        inplanes = planes * BasicBlock.Expansion;
        for (var i = 1; i < blocks; i++)
            modules.Add(new BasicBlock(inplanes, planes));
        return Sequential(modules);
    }

    public override Tensor forward(Tensor x)
    {
        x = maxpool.forward(relu.forward(bn1.forward(conv1.forward(x))));
        x = layer4.forward(layer3.forward(layer2.forward(layer1.forward(x))));
        x = torch.flatten(avgpool.forward(x), 1);
        return fc.forward(x);
    }
}

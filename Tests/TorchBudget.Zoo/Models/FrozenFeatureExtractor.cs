using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// Transfer learning: a convolutional backbone whose parameters are frozen with
/// <c>requires_grad = false</c>, and a trainable head.
/// </summary>
[MemoryProfile(3, 32, 32, Optimizer = OptimizerKind.AdamW)]
public partial class FrozenFeatureExtractor : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> backbone;
    private readonly Module<Tensor, Tensor> head;

    public FrozenFeatureExtractor(long numClasses = 10, bool freezeBackbone = true) : base(nameof(FrozenFeatureExtractor))
    {
        backbone = Sequential(
            Conv2d(3, 32, 3, padding: 1), BatchNorm2d(32), ReLU(), MaxPool2d(2),
            Conv2d(32, 64, 3, padding: 1), BatchNorm2d(64), ReLU(), MaxPool2d(2),
            Conv2d(64, 128, 3, padding: 1), BatchNorm2d(128), ReLU(), AdaptiveAvgPool2d(1),
            Flatten());
        head = Sequential(Linear(128, 64), ReLU(), Linear(64, numClasses));

        if (freezeBackbone)
        {
            foreach (var p in backbone.parameters())
                p.requires_grad = false;
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => head.forward(backbone.forward(x));
}

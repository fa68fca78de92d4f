using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// A CNN with spatial dropout (issue #14): Dropout2d zeroes whole channels, so autograd keeps one noise value per
/// sample and channel ([B, C, 1, 1]), not a noise tensor of the input's size as Dropout does.
/// </summary>
[MemoryProfile(3, 32, 32)]
public partial class SpatialDropoutCnn : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv1 = Conv2d(3, 16, 3, padding: 1);
    private readonly Module<Tensor, Tensor> norm1 = BatchNorm2d(16);
    private readonly Module<Tensor, Tensor> drop1 = Dropout2d(0.2);
    private readonly Module<Tensor, Tensor> pool = MaxPool2d(2);
    private readonly Module<Tensor, Tensor> conv2 = Conv2d(16, 32, 3, padding: 1);
    private readonly Module<Tensor, Tensor> drop2 = Dropout2d(0.2);
    private readonly Module<Tensor, Tensor> gap = AdaptiveAvgPool2d(1);
    private readonly Module<Tensor, Tensor> classifier = Linear(32, 10);

    public SpatialDropoutCnn() : base(nameof(SpatialDropoutCnn)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        var h = pool.forward(drop1.forward(functional.relu(norm1.forward(conv1.forward(x)))));
        h = drop2.forward(functional.relu(conv2.forward(h)));
        return classifier.forward(gap.forward(h).flatten(1));
    }
}

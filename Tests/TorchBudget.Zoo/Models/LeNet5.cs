using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// LeCun's LeNet-5 on 32×32 inputs: Sequentials of named tuples, tanh and average pooling.
/// </summary>
[MemoryProfile(1, 32, 32, Optimizer = OptimizerKind.Sgd)]
public partial class LeNet5 : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> features;
    private readonly Module<Tensor, Tensor> classifier;

    public LeNet5(int numClasses = 10) : base(nameof(LeNet5))
    {
        features = Sequential(
            ("c1", Conv2d(1, 6, kernel_size: 5)),
            ("tanh1", Tanh()),
            ("s2", AvgPool2d(kernel_size: 2, stride: 2)),
            ("c3", Conv2d(6, 16, kernel_size: 5)),
            ("tanh2", Tanh()),
            ("s4", AvgPool2d(kernel_size: 2, stride: 2)));
        classifier = Sequential(
            ("flatten", Flatten()),
            ("f5", Linear(16 * 5 * 5, 120)),
            ("tanh3", Tanh()),
            ("f6", Linear(120, 84)),
            ("tanh4", Tanh()),
            ("output", Linear(84, numClasses)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => classifier.forward(features.forward(input));
}

using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// Conv-BatchNorm-ReLU blocks from a static helper (BatchNorm's running statistics are buffers, not
/// parameters); the classifier's input size is arithmetic on consts.
/// </summary>
[MemoryProfile(3, 32, 32)]
public partial class BatchNormCnn : Module<Tensor, Tensor>
{
    private const int Width = 32;
    private const int FinalSpatial = 32 / 2 / 2 / 2;

    private readonly Module<Tensor, Tensor> features;
    private readonly Module<Tensor, Tensor> classifier;

    public BatchNormCnn(int numClasses = 10) : base(nameof(BatchNormCnn))
    {
        features = Sequential(
            ConvBnRelu(3, Width),
            MaxPool2d(2),
            ConvBnRelu(Width, Width * 2),
            MaxPool2d(2),
            ConvBnRelu(Width * 2, Width * 4),
            MaxPool2d(2));
        classifier = Sequential(
            Flatten(),
            Linear(Width * 4 * FinalSpatial * FinalSpatial, 256, hasBias: false),
            BatchNorm1d(256),
            ReLU(),
            Linear(256, numClasses));
        RegisterComponents();
    }

    private static Module<Tensor, Tensor> ConvBnRelu(long inC, long outC) =>
        Sequential(
            ("conv", Conv2d(inC, outC, 3, padding: 1, bias: false)),
            ("bn", BatchNorm2d(outC, momentum: 0.01)),
            ("relu", ReLU()));

    public override Tensor forward(Tensor input) => classifier.forward(features.forward(input));
}

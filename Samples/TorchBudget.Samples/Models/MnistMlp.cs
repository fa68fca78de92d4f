using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Samples.Models;

/// <summary>The seed's MNIST classifier: 784 → 128 → 10.</summary>
[MemoryProfile(1, 28, 28)]
public sealed partial class MnistMlp : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> layers = Sequential(
        Flatten(),
        Linear(784, 128),
        ReLU(),
        Linear(128, 10));

    public MnistMlp() : base(nameof(MnistMlp)) => RegisterComponents();

    public override Tensor forward(Tensor input) => layers.forward(input);
}

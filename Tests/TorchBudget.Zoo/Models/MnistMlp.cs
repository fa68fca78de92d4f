using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>The seed model: layers as field initializers, built with <c>using static torch.nn</c>.</summary>
[MemoryProfile(1, 28, 28)]
public partial class MnistMlp : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> flatten = Flatten();
    private readonly Module<Tensor, Tensor> fc1 = Linear(784, 128);
    private readonly Module<Tensor, Tensor> relu = ReLU();
    private readonly Module<Tensor, Tensor> fc2 = Linear(128, 10);

    public MnistMlp() : base(nameof(MnistMlp))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = flatten.forward(input);
        x = relu.forward(fc1.forward(x));
        return fc2.forward(x);
    }
}

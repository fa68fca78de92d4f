using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Samples.Models;

/// <summary>The seed's CIFAR-10 network: two conv/pool stages, then 400 → 120 → 84 → 10.</summary>
[MemoryProfile(3, 32, 32)]
public sealed partial class SimpleCnn : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv1 = Conv2d(3, 6, 5);
    private readonly Module<Tensor, Tensor> pool = MaxPool2d(2);
    private readonly Module<Tensor, Tensor> conv2 = Conv2d(6, 16, 5);
    private readonly Module<Tensor, Tensor> fc1 = Linear(16 * 5 * 5, 120);
    private readonly Module<Tensor, Tensor> fc2 = Linear(120, 84);
    private readonly Module<Tensor, Tensor> fc3 = Linear(84, 10);

    public SimpleCnn() : base(nameof(SimpleCnn)) => RegisterComponents();

    public override Tensor forward(Tensor input)
    {
        var x = pool.forward(functional.relu(conv1.forward(input)));
        x = pool.forward(functional.relu(conv2.forward(x)));
        x = x.view(-1, 16 * 5 * 5);
        x = functional.relu(fc1.forward(x));
        x = functional.relu(fc2.forward(x));
        return fc3.forward(x);
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// The PyTorch CIFAR-10 tutorial network: fully qualified <c>torch.nn</c> calls, layers assigned in
/// the constructor, concrete field types, and a hand-written forward with functional ops and view.
/// </summary>
[MemoryProfile(3, 32, 32)]
public partial class SimpleCnn : torch.nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly MaxPool2d pool;
    private readonly Conv2d conv2;
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Linear fc3;

    public SimpleCnn() : base("SimpleCnn")
    {
        conv1 = torch.nn.Conv2d(3, 6, 5);
        pool = torch.nn.MaxPool2d(2, 2);
        conv2 = torch.nn.Conv2d(6, 16, 5);
        fc1 = torch.nn.Linear(16 * 5 * 5, 120);
        fc2 = torch.nn.Linear(120, 84);
        fc3 = torch.nn.Linear(84, 10);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = pool.forward(torch.nn.functional.relu(conv1.forward(x)));
        x = pool.forward(torch.nn.functional.relu(conv2.forward(x)));
        x = x.view(-1, 16 * 5 * 5);
        x = torch.nn.functional.relu(fc1.forward(x));
        x = torch.nn.functional.relu(fc2.forward(x));
        return fc3.forward(x);
    }
}

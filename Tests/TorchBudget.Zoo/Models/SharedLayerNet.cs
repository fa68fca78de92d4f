using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// One Linear instance applied twice: it is a field of its own and appears twice in a Sequential,
/// so it is registered three times but its weights exist once.
/// </summary>
[MemoryProfile(32)]
public partial class SharedLayerNet : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> input;
    private readonly Module<Tensor, Tensor> shared;
    private readonly Module<Tensor, Tensor> body;
    private readonly Module<Tensor, Tensor> output;

    public SharedLayerNet() : base(nameof(SharedLayerNet))
    {
        input = Linear(32, 64);
        shared = Linear(64, 64);
        body = Sequential(("first", shared), ("act1", ReLU()), ("second", shared), ("act2", ReLU()));
        output = Linear(64, 4);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => output.forward(body.forward(input.forward(x)));
}

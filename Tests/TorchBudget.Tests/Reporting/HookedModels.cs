using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Reporting;

// Models whose every module runs through call(), so forward hooks see each module's calls: the per-layer activation tests
// measure what each one leaves alive (LayerActivationTests).

/// <summary>Nested Sequentials of linears and activations.</summary>
[MemoryProfile(12)]
public sealed partial class HookedMlp : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> body = Sequential(
        ("block", Sequential(Linear(12, 16), ReLU(), Linear(16, 16), Tanh())),
        ("head", Linear(16, 5)));

    public HookedMlp() : base(nameof(HookedMlp)) => RegisterComponents();

    public override Tensor forward(Tensor input) => body.call(input);
}

/// <summary>A convolution stem, a user-written residual block with functional ops of its own, and a linear head.</summary>
[MemoryProfile(3, 12, 12)]
public sealed partial class HookedConvNet : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> stem = Sequential(Conv2d(3, 4, 3, padding: 1), BatchNorm2d(4), ReLU(), MaxPool2d(2));
    private readonly Module<Tensor, Tensor> block = new HookedResidual(4);
    private readonly Module<Tensor, Tensor> head = Sequential(Flatten(), Linear(4 * 6 * 6, 7));

    public HookedConvNet() : base(nameof(HookedConvNet)) => RegisterComponents();

    public override Tensor forward(Tensor input) => head.call(block.call(stem.call(input)));
}

/// <summary>conv → norm, plus the input, through ReLU: the add and the ReLU are the block's own tensors.</summary>
public sealed class HookedResidual : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv;
    private readonly Module<Tensor, Tensor> norm;

    public HookedResidual(long channels) : base(nameof(HookedResidual))
    {
        conv = Conv2d(channels, channels, 3, padding: 1);
        norm = BatchNorm2d(channels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => functional.relu(norm.call(conv.call(x)) + x);
}

/// <summary>One linear placed twice in a Sequential: named_modules lists it under both names, its parameters count once.</summary>
[MemoryProfile(8)]
public sealed partial class HookedShared : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> layers;

    public HookedShared() : base(nameof(HookedShared))
    {
        var shared = Linear(8, 8);
        layers = Sequential(shared, ReLU(), shared, Linear(8, 3));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => layers.call(input);
}

using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>A float64 MLP with dropout, in a custom forward: every tensor it makes stays alive.</summary>
[MemoryProfile(1, 28, 28, DType = ScalarType.Float64, InputDType = ScalarType.Float64, Optimizer = OptimizerKind.AdamW)]
public sealed partial class Float64Mlp : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> hidden = Linear(784, 256, dtype: ScalarType.Float64);
    private readonly Module<Tensor, Tensor> dropout = Dropout(0.25);
    private readonly Module<Tensor, Tensor> output = Linear(256, 10, dtype: ScalarType.Float64);

    public Float64Mlp() : base(nameof(Float64Mlp)) => RegisterComponents();

    public override Tensor forward(Tensor input) =>
        output.forward(dropout.forward(functional.relu(hidden.forward(input.flatten(1)))));
}

/// <summary>A float64 conv/BatchNorm/pool stack in a Sequential: only what autograd saves survives forward.</summary>
[MemoryProfile(3, 16, 16, DType = ScalarType.Float64, InputDType = ScalarType.Float64, Optimizer = OptimizerKind.Sgd)]
public sealed partial class Float64ConvNet : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> layers = Sequential(
        Conv2d(3, 8, 3, padding: 1, dtype: ScalarType.Float64),
        BatchNorm2d(8, dtype: ScalarType.Float64),
        ReLU(),
        MaxPool2d(2),
        Flatten(),
        Linear(8 * 8 * 8, 10, dtype: ScalarType.Float64));

    public Float64ConvNet() : base(nameof(Float64ConvNet)) => RegisterComponents();

    public override Tensor forward(Tensor input) => layers.forward(input);
}

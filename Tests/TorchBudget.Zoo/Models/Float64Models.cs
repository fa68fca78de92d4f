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

/// <summary>
/// A float64 volume stack: two Conv3d (the second one passes a gradient back, so slow_conv3d unfolds for the input's
/// gradient too), then the depth folded into channels for a ConvTranspose2d. Checks ATen's im2col buffers in 3-d
/// and for a transposed convolution against the tracker.
/// </summary>
[MemoryProfile(1, 8, 8, 8, DType = ScalarType.Float64, InputDType = ScalarType.Float64, Optimizer = OptimizerKind.Sgd)]
public sealed partial class Float64VolumeNet : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> layers = Sequential(
        Conv3d(1, 4, 3, padding: 1, dtype: ScalarType.Float64),
        ReLU(),
        Conv3d(4, 4, 3, stride: 2, dtype: ScalarType.Float64),
        Flatten(1, 2),
        ConvTranspose2d(12, 6, 4, stride: 2, padding: 1, dtype: ScalarType.Float64),
        ReLU(),
        Flatten(),
        Linear(6 * 6 * 6, 10, dtype: ScalarType.Float64));

    public Float64VolumeNet() : base(nameof(Float64VolumeNet)) => RegisterComponents();

    public override Tensor forward(Tensor input) => layers.forward(input);
}

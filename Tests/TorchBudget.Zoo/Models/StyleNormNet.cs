using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// Style-transfer flavoured blocks: affine InstanceNorm2d, per-channel PReLU, reflection padding,
/// and a LayerNorm over the whole [C, H, W] feature map.
/// </summary>
[MemoryProfile(3, 32, 32, Loss = LossKind.Mse)]
public partial class StyleNormNet : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> body;
    private readonly Module<Tensor, Tensor> norm;
    private readonly Module<Tensor, Tensor> toRgb;

    public StyleNormNet(long channels = 16) : base(nameof(StyleNormNet))
    {
        body = Sequential(
            ReflectionPad2d(1),
            Conv2d(3, channels, 3),
            InstanceNorm2d(channels, affine: true),
            PReLU(channels),
            Conv2d(channels, channels, 3, padding: 1),
            InstanceNorm2d(channels, affine: true, track_running_stats: true),
            PReLU(1));
        norm = LayerNorm(new long[] { channels, 32, 32 }, eps: 1e-6);
        toRgb = Conv2d(channels, 3, kernel_size: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => torch.tanh(toRgb.forward(norm.forward(body.forward(x)))) + x;
}

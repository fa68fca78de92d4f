using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// A DCGAN-style decoder from a 100-dimensional latent vector to a 3×32×32 image with
/// ConvTranspose2d layers (one built from a tuple kernel size), Unflatten and Sigmoid, trained to reconstruct (MSE).
/// </summary>
[MemoryProfile(100, Optimizer = OptimizerKind.Adam, Loss = LossKind.Mse)]
public partial class ConvDecoder : Module<Tensor, Tensor>
{
    private const int LatentDim = 100;
    private const int BaseChannels = 128;

    private readonly Module<Tensor, Tensor> project;
    private readonly Module<Tensor, Tensor> decode;

    public ConvDecoder() : base(nameof(ConvDecoder))
    {
        project = Sequential(
            Linear(LatentDim, BaseChannels * 4 * 4),
            ReLU(),
            Unflatten(1, new long[] { BaseChannels, 4, 4 }));
        decode = Sequential(
            ConvTranspose2d(BaseChannels, BaseChannels / 2, kernel_size: 4, stride: 2, padding: 1, bias: false),  // 8×8
            BatchNorm2d(BaseChannels / 2),
            ReLU(),
            ConvTranspose2d(BaseChannels / 2, BaseChannels / 4, kernel_size: (4, 4), stride: (2, 2), padding: (1, 1)),  // 16×16
            ReLU(),
            ConvTranspose2d(BaseChannels / 4, 3, 4, 2, 1),  // 32×32
            Sigmoid());
        RegisterComponents();
    }

    public override Tensor forward(Tensor z) => decode.forward(project.forward(z));
}

using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Samples.Models;

/// <summary>
/// The ResNet basic block, a user module nested in user modules. The downsample path exists only
/// when the shape changes, so the field stays null otherwise and forward checks for it.
/// </summary>
public class BasicBlock : Module<Tensor, Tensor>
{
    public const int Expansion = 1;

    private readonly Module<Tensor, Tensor> conv1;
    private readonly Module<Tensor, Tensor> bn1;
    private readonly Module<Tensor, Tensor> relu;
    private readonly Module<Tensor, Tensor> conv2;
    private readonly Module<Tensor, Tensor> bn2;
    private readonly Module<Tensor, Tensor>? downsample;

    public BasicBlock(long inC, long outC, long stride = 1) : base(nameof(BasicBlock))
    {
        conv1 = Conv2d(inC, outC, kernel_size: 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(outC);
        relu = ReLU(inplace: true);
        conv2 = Conv2d(outC, outC, kernel_size: 3, stride: 1, padding: 1, bias: false);
        bn2 = BatchNorm2d(outC);
        if (stride != 1 || inC != outC * Expansion)
        {
            downsample = Sequential(
                Conv2d(inC, outC * Expansion, kernel_size: 1, stride: stride, bias: false),
                BatchNorm2d(outC * Expansion));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var identity = downsample is null ? x : downsample.forward(x);
        var y = relu.forward(bn1.forward(conv1.forward(x)));
        y = bn2.forward(conv2.forward(y));
        return relu.forward(y + identity);
    }
}

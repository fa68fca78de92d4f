using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// A parametric convolution net: every width a multiple of <c>width</c> (a shift doubles it), BatchNorm buffers, a
/// GroupNorm whose channel count must divide, an LSTM whose layer count is a constructor argument, and a user
/// parameter made with torch.ones.
/// </summary>
[MemoryProfile(3, 16, 16, Arguments = new object[] { 8, 10, 2 }, BatchSizes = new long[] { 1, 2 })]
public partial class WidthScaledConvNet : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d norm1;
    private readonly Conv2d conv2;
    private readonly GroupNorm norm2;
    private readonly LSTM rows;
    private readonly Parameter channelScale;
    private readonly Linear head;

    public WidthScaledConvNet(long width, long classes, long rowLayers, bool bidirectional = false) : base(nameof(WidthScaledConvNet))
    {
        var doubled = width << 1;
        conv1 = Conv2d(3, width, 3, padding: 1);
        norm1 = BatchNorm2d(width);
        conv2 = Conv2d(width, doubled, 3, padding: 1, bias: false);
        norm2 = GroupNorm(4, doubled);
        rows = LSTM(doubled * 16, width, numLayers: rowLayers, batchFirst: true, bidirectional: bidirectional);
        channelScale = Parameter(torch.ones(doubled, 1, 1));
        head = Linear(width, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var features = norm2.call(conv2.call(functional.relu(norm1.call(conv1.call(x))))) * channelScale;
        // [B, C, H, W] -> [B, H, C*W]: one row of the image per step.
        var sequence = features.permute(0, 2, 1, 3).flatten(2);
        var (_, hidden, _) = rows.call(sequence);
        return head.call(hidden[-1]);
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// The M5 raw-waveform classifier (speech commands, one second at 8 kHz): Conv1d, BatchNorm1d and
/// MaxPool1d, sizes from positional int Arguments with the remaining parameters defaulted.
/// </summary>
[MemoryProfile(1, 8000, Arguments = new object[] { 1, 35 })]
public partial class M5Audio : Module<Tensor, Tensor>
{
    private readonly Conv1d conv1;
    private readonly BatchNorm1d bn1;
    private readonly MaxPool1d pool1;
    private readonly Conv1d conv2;
    private readonly BatchNorm1d bn2;
    private readonly MaxPool1d pool2;
    private readonly Conv1d conv3;
    private readonly BatchNorm1d bn3;
    private readonly MaxPool1d pool3;
    private readonly Conv1d conv4;
    private readonly BatchNorm1d bn4;
    private readonly MaxPool1d pool4;
    private readonly Linear fc1;

    public M5Audio(long nInput = 1, long nOutput = 35, long stride = 16, long nChannel = 32) : base(nameof(M5Audio))
    {
        conv1 = Conv1d(nInput, nChannel, kernel_size: 80, stride: stride);
        bn1 = BatchNorm1d(nChannel);
        pool1 = MaxPool1d(4);
        conv2 = Conv1d(nChannel, nChannel, kernel_size: 3);
        bn2 = BatchNorm1d(nChannel);
        pool2 = MaxPool1d(4);
        conv3 = Conv1d(nChannel, 2 * nChannel, kernel_size: 3);
        bn3 = BatchNorm1d(2 * nChannel);
        pool3 = MaxPool1d(4);
        conv4 = Conv1d(2 * nChannel, 2 * nChannel, kernel_size: 3);
        bn4 = BatchNorm1d(2 * nChannel);
        pool4 = MaxPool1d(2);
        fc1 = Linear(2 * nChannel, nOutput);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = pool1.forward(functional.relu(bn1.forward(conv1.forward(x))));
        x = pool2.forward(functional.relu(bn2.forward(conv2.forward(x))));
        x = pool3.forward(functional.relu(bn3.forward(conv3.forward(x))));
        x = pool4.forward(functional.relu(bn4.forward(conv4.forward(x))));
        x = functional.avg_pool1d(x, x.shape[^1]);
        x = x.permute(0, 2, 1);
        return functional.log_softmax(fc1.forward(x), dim: 2).squeeze(1);
    }
}

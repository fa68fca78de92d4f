using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// A hand-unrolled two-level recurrence: an LSTMCell feeding a GRUCell, stepped over time in
/// forward, for a sequence of 12 steps of 16 features.
/// </summary>
[MemoryProfile(12, 16, Optimizer = OptimizerKind.RMSprop)]
public partial class RecurrentCellNet : Module<Tensor, Tensor>
{
    private readonly LSTMCell lstmCell;
    private readonly GRUCell gruCell;
    private readonly Linear readout;
    private readonly long hidden;

    public RecurrentCellNet(long features = 16, long hidden = 40, long outputs = 6) : base(nameof(RecurrentCellNet))
    {
        this.hidden = hidden;
        lstmCell = LSTMCell(features, hidden);
        gruCell = GRUCell(hidden, hidden / 2, bias: false);
        readout = Linear(hidden / 2, outputs);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var batch = x.shape[0];
        var h = torch.zeros(batch, hidden);
        var c = torch.zeros(batch, hidden);
        var g = torch.zeros(batch, hidden / 2);
        for (long t = 0; t < x.shape[1]; t++)
        {
            (h, c) = lstmCell.call(x[TensorIndex.Colon, t], (h, c));
            g = gruCell.call(h, g);
        }
        return readout.forward(g);
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// Input normalisation with plain Tensor fields (registered as buffers by RegisterComponents) and
/// a learned temperature Parameter, one registered by hand with register_buffer too.
/// </summary>
[MemoryProfile(3, 32, 32)]
public partial class NormalizedInputNet : Module<Tensor, Tensor>
{
    private static readonly float[] Mean = { 0.4914f, 0.4822f, 0.4465f };
    private static readonly float[] Std = { 0.2470f, 0.2435f, 0.2616f };

    private readonly Tensor mean;
    private readonly Tensor std;
    private readonly Parameter temperature;
    private readonly Module<Tensor, Tensor> conv = Conv2d(3, 16, 3, padding: 1);
    private readonly Module<Tensor, Tensor> fc = Linear(16, 10);

    public NormalizedInputNet() : base(nameof(NormalizedInputNet))
    {
        mean = torch.tensor(Mean).reshape(1, 3, 1, 1);
        std = torch.tensor(Std).reshape(1, 3, 1, 1);
        temperature = Parameter(torch.ones(1));
        register_buffer("step_count", torch.zeros(1, dtype: ScalarType.Int64));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = (x - mean) / std;
        x = functional.relu(conv.forward(x));
        x = functional.adaptive_avg_pool2d(x, 1).flatten(1);
        return fc.forward(x) / temperature;
    }
}

using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Samples.Models;

/// <summary>
/// Sizes come from constructor parameters with defaults; the attribute passes no arguments, so the
/// defaults (3072 → 128 → 10) apply.
/// </summary>
[MemoryProfile(3, 32, 32)]
public partial class CifarMlp : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> layers;

    public CifarMlp(long inputSize = 3072, long hidden = 128, long classes = 10) : base(nameof(CifarMlp))
    {
        layers = Sequential(
            Flatten(),
            Linear(inputSize, hidden),
            ReLU(),
            Linear(hidden, classes));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => layers.forward(input);
}

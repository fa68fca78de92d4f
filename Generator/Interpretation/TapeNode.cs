using System.Collections.Generic;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// One op autograd recorded in forward: what backward will need a gradient for, what it releases,
/// and the temporary gradients of the parameters it accumulates into .grad.
/// </summary>
internal sealed class TapeNode(string kind, IReadOnlyList<ActivationTensor> inputs, IReadOnlyList<ActivationTensor> outputs, IReadOnlyList<Storage> saved, IReadOnlyList<long> parameterGradientBytes, bool passesGradientThrough = false, Shapes.ByteCount backwardScratch = default)
{
    /// <summary>Add and subtract hand their output's gradient to their inputs as it is: no new tensor.</summary>
    public bool PassesGradientThrough { get; } = passesGradientThrough;

    /// <summary>The layer or op that recorded it (Linear, relu, add, ...).</summary>
    public string Kind { get; } = kind;

    public IReadOnlyList<ActivationTensor> Inputs { get; } = inputs;
    public IReadOnlyList<ActivationTensor> Outputs { get; } = outputs;
    public IReadOnlyList<Storage> Saved { get; } = saved;

    /// <summary>Bytes of each trainable parameter's fresh gradient, added into .grad and freed.</summary>
    public IReadOnlyList<long> ParameterGradientBytes { get; } = parameterGradientBytes;

    /// <summary>Work tensors its backward allocates for a moment beside the gradients (sort buffers, index copies; measured per layer).</summary>
    public Shapes.ByteCount BackwardScratch { get; } = backwardScratch;
}

using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Losses;

/// <summary>What the loss is computed against: its shape follows from the output's.</summary>
internal enum LossTarget
{
    /// <summary>Int64 labels [B, d…] for an output [B, C, d…]: the class dimension (1) left out.</summary>
    ClassLabels,

    /// <summary>Int64 labels [B, …] for an output [B, …, C]: the last (class) dimension left out.</summary>
    PositionLabels,

    /// <summary>A tensor of the output's shape and type.</summary>
    LikeOutput,
}

/// <summary>
/// One loss of the training step: the call the step makes, its target, and the tensor data it allocates and frees in
/// order, as the allocation counter logged them on TorchSharp 0.107 (CPU). <see cref="Forward"/> runs from the output to
/// the loss; <see cref="Backward"/> from <c>loss.backward()</c> until the output's gradient is handed to the model's
/// backward. Tokens: <c>Y</c> bytes of an output-shaped tensor in the output's type, <c>s</c> one element of it,
/// <c>G</c> the output's gradient (Y bytes, kept by the engine), a number for bytes of fixed size.
/// </summary>
/// <param name="FloatTypes">The output types whose sequence was measured; null: any (the sequence scales with s).</param>
/// <param name="ThreadsMeasured">Whether a reduction's per-thread buffer can change the peak: then only 2 threads are measured.</param>
internal sealed record LossRule(
    LossKind Kind,
    string Call,
    LossTarget Target,
    string Forward,
    string Backward,
    string Summary,
    IReadOnlyList<ScalarType>? FloatTypes = null,
    bool ThreadsMeasured = false)
{
    /// <summary>Set for the loss the attribute did not name: it takes [batch, classes] only.</summary>
    public bool ClassifierOutputOnly { get; init; }

    /// <summary>Why this loss cannot take an output of this shape, or null when it can.</summary>
    public string? Misfit(TensorShape output)
    {
        if (ClassifierOutputOnly && output.Rank != 2)
            return $"the default loss, {Call}, is taken only for [batch, classes]";
        var minimumRank = Target == LossTarget.LikeOutput ? 1 : 2;
        if (output.Rank < minimumRank || output[0] != Dim.Batch || Enumerable.Range(1, output.Rank - 1).Any(i => !output[i].IsConstant()))
        {
            return Target switch
            {
                LossTarget.ClassLabels => $"{Call} needs forward to return [batch, classes] or [batch, classes, d…]",
                LossTarget.PositionLabels => $"{Call} needs forward to return [batch, …, classes]",
                _ => $"{Call} needs forward to return the batch first",
            };
        }
        return null;
    }

    /// <summary>The target's dimensions for an output that fits.</summary>
    public IEnumerable<Dim> TargetDims(TensorShape output) => Target switch
    {
        LossTarget.ClassLabels => output.Dims.Where((_, i) => i != 1),
        LossTarget.PositionLabels => output.Dims.Take(output.Rank - 1),
        _ => output.Dims,
    };

    /// <summary>The target's bytes for an output that fits: Int64 labels, or the output's own type.</summary>
    public ByteCount TargetBytes(TensorShape output, int outputElementSize) =>
        ByteCount.Of(new TensorShape(TargetDims(output)).ElementCount, Target == LossTarget.LikeOutput ? outputElementSize : 8);
}

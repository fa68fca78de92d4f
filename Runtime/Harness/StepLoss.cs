using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchBudget.Harness;

/// <summary>
/// The training step's loss (<see cref="LossKind"/>): the target it needs for an output and the call that computes it,
/// as docs/memory-model.md describes them and the generator's LossRules model them.
/// </summary>
internal static class StepLoss
{
    /// <summary>The call as the step makes it, for messages and reports.</summary>
    public static string Call(LossKind loss) => loss switch
    {
        LossKind.CrossEntropy => "cross_entropy(y, labels)",
        LossKind.SequenceCrossEntropy => "cross_entropy(y.view(-1, C), labels.view(-1))",
        LossKind.Mse => "mse_loss(y, target)",
        LossKind.L1 => "l1_loss(y, target)",
        LossKind.BceWithLogits => "binary_cross_entropy_with_logits(y, target)",
        LossKind.Nll => "nll_loss(y, labels)",
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, null),
    };

    /// <summary>What one sample comes with, in a sentence: "One sample: [784] Float32 with an Int64 label."</summary>
    public static string TargetText(LossKind loss) => loss switch
    {
        LossKind.CrossEntropy or LossKind.Nll => "an Int64 label",
        LossKind.SequenceCrossEntropy => "an Int64 label per position",
        _ => "a target of the output's shape",
    };

    /// <summary>
    /// Why <paramref name="declared"/> cannot take an output of this shape at this batch, or null when it can. Undeclared
    /// (null), the loss is cross_entropy for a [batch, classes] output only, as the generator reads it (TBG012).
    /// </summary>
    public static string? Misfit(LossKind? declared, long[] outputShape, long batchSize)
    {
        if (declared is not { } loss)
        {
            return outputShape.Length == 2 ? Misfit(LossKind.CrossEntropy, outputShape, batchSize)
                : $"the default loss, {Call(LossKind.CrossEntropy)}, needs the output as [B, classes]; the model returns "
                    + ShapeText.Format(outputShape);
        }
        if (outputShape.Length == 0 || outputShape[0] != batchSize)
            return $"{Call(loss)} needs the output's first dimension to be the batch; the model returns {ShapeText.Format(outputShape)}";
        return loss switch
        {
            LossKind.CrossEntropy or LossKind.Nll or LossKind.SequenceCrossEntropy when outputShape.Length < 2 =>
                $"{Call(loss)} needs the output as [B, classes, …]; the model returns {ShapeText.Format(outputShape)}",
            _ => null,
        };
    }

    /// <summary>The labels or target for an output of this shape and type, on <paramref name="device"/>.</summary>
    public static Tensor Target(LossKind loss, long[] outputShape, ScalarType outputType, Device device)
    {
        // Labels take any class: the values do not change what is allocated.
        return loss switch
        {
            LossKind.CrossEntropy or LossKind.Nll => torch.randint(0, outputShape[1], outputShape.Take(1).Concat(outputShape.Skip(2)).ToArray(),
                dtype: ScalarType.Int64, device: device),
            LossKind.SequenceCrossEntropy => torch.randint(0, outputShape[^1], outputShape[..^1], dtype: ScalarType.Int64, device: device),
            LossKind.Mse or LossKind.L1 => torch.randn(outputShape, dtype: outputType, device: device),
            LossKind.BceWithLogits => torch.rand(outputShape, dtype: outputType, device: device),
            _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, null),
        };
    }

    /// <summary>The loss of <paramref name="output"/> against <paramref name="target"/>.</summary>
    public static Tensor Compute(LossKind loss, Tensor output, Tensor target) => loss switch
    {
        LossKind.CrossEntropy => nn.functional.cross_entropy(output, target),
        // reshape, not view: a strided output still trains (the generator leaves that case's peak unknown).
        LossKind.SequenceCrossEntropy => nn.functional.cross_entropy(output.reshape(-1, output.shape[^1]), target.view(-1)),
        LossKind.Mse => nn.functional.mse_loss(output, target),
        LossKind.L1 => nn.functional.l1_loss(output, target),
        LossKind.BceWithLogits => nn.functional.binary_cross_entropy_with_logits(output, target),
        LossKind.Nll => nn.functional.nll_loss(output, target),
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, null),
    };
}

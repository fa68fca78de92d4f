using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Model;

/// <summary>
/// The memory of the inference pass (<c>model.eval()</c>, then forward under <c>torch.no_grad()</c> inside a DisposeScope),
/// beside the training rows of <see cref="Memory"/> (which give Parameters and Buffers). Input is the batch alone, no labels.
/// Activations: bytes the scope holds at the end of forward. PeakLines are absolute bytes (resident rows + input + forward's
/// live and transient tensors at each allocation); PeakAtBatchOne and LargerBatchPeaks as in <see cref="Memory"/>.
/// Null fields are unknown; <see cref="PeakUnknownBecause"/> says why the peak is, in a whole sentence.
/// </summary>
internal sealed record InferenceMemory(
    long InputBytesPerSample,
    ByteCount? Activations,
    EquatableArray<ByteCount>? PeakLines,
    long? PeakAtBatchOne,
    EquatableArray<PeakRegime> LargerBatchPeaks,
    string? PeakUnknownBecause)
{
    /// <summary>Activations at batch 1 where batch 1's own pass keeps other bytes than the formula gives there; else null.</summary>
    public long? ActivationsAtBatchOne { get; init; }
}

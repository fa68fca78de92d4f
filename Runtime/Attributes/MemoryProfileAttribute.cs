using System;
using TorchSharp;

namespace TorchBudget;

/// <summary>
/// Asks TorchBudget to generate <c>ParameterCount</c>, <c>TrainableParameterCount</c> and a
/// <c>MemoryReport</c> on this <c>partial</c> TorchSharp module class at compile time.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MemoryProfileAttribute : Attribute
{
    /// <param name="inputShape">One sample's shape, without the batch dimension (e.g. 1, 28, 28).</param>
    public MemoryProfileAttribute(params long[] inputShape) => InputShape = inputShape;

    /// <summary>One sample's shape, without the batch dimension.</summary>
    public long[] InputShape { get; }

    /// <summary>Element type of parameters and activations. Default Float32.</summary>
    public torch.ScalarType DType { get; set; } = torch.ScalarType.Float32;

    /// <summary>Element type of the input batch. Default Float32; Int64 for token ids.</summary>
    public torch.ScalarType InputDType { get; set; } = torch.ScalarType.Float32;

    /// <summary>The optimizer of the training step. Default Adam.</summary>
    public OptimizerKind Optimizer { get; set; } = OptimizerKind.Adam;

    /// <summary>
    /// Which parameters the optimizer is given: <see cref="TorchBudget.OptimizerParameters.All"/> (default,
    /// <c>model.parameters()</c>) or <see cref="TorchBudget.OptimizerParameters.Trainable"/> (only requires_grad ones).
    /// TorchSharp's optimizers keep state for every parameter they are given, frozen or not.
    /// </summary>
    public OptimizerParameters OptimizerParameters { get; set; } = OptimizerParameters.All;

    /// <summary>
    /// The loss of the training step, applied to forward's output. Default <see cref="LossKind.CrossEntropy"/>, which needs
    /// [batch, classes] or [batch, classes, d…]; a language model's [batch, tokens, vocabulary] takes
    /// <see cref="LossKind.SequenceCrossEntropy"/>, a reconstruction or regression <see cref="LossKind.Mse"/>.
    /// </summary>
    public LossKind Loss { get; set; } = LossKind.CrossEntropy;

    /// <summary>
    /// Which of forward's results the loss takes where forward returns a tuple (<c>(mean, logVar)</c>,
    /// <c>(output, hidden)</c>): 0, the first, by default.
    /// </summary>
    public int LossOutput { get; set; }

    /// <summary>
    /// Which dimensions of one sample are the sequence (indices into the input shape: 0 for token ids [T]); all of them
    /// have the profiled length. The report then varies the length too: <c>ForBatch(batchSize, sequenceLength)</c>,
    /// <c>MaxSequenceLength</c>, <c>MaxBatchSize(..., sequenceLength: T)</c>. Empty by default.
    /// </summary>
    public int[] SequenceDimensions { get; set; } = Array.Empty<int>();

    /// <summary>Batch sizes of the generated table. Default 1, 16, 64, 256.</summary>
    public long[] BatchSizes { get; set; } = new long[] { 1, 16, 64, 256 };

    /// <summary>
    /// The module constructor's arguments, positional; omitted ones take their declared defaults.
    /// </summary>
    public object[] Arguments { get; set; } = Array.Empty<object>();

    /// <summary>
    /// The name of a static parameterless method of this class that builds the module to profile, for constructors an
    /// attribute cannot express (a configuration record, an options object, a lambda): the analysis runs it as code.
    /// <c>Factory = nameof(CreateForProfile)</c>; not together with <see cref="Arguments"/>.
    /// </summary>
    public string? Factory { get; set; }

    /// <summary>
    /// Values of forward's arguments that are not tensors (an <c>int</c>, a <c>bool</c>), indexed by forward parameter
    /// position, tensor positions holding null; an argument not given takes its declared default. Tensor arguments
    /// after the first are declared with <see cref="MemoryInputAttribute"/>.
    /// </summary>
    public object?[] ForwardArguments { get; set; } = Array.Empty<object?>();

    /// <summary>
    /// The CPU kernels the peaks are worked out for: "AVX-512" or "AVX2", optionally with a thread count, as
    /// <c>"AVX2, 8 threads"</c> (default: "AVX-512, 2 threads", where every kernel-dependent rule was measured). Under
    /// another profile a peak that depends on kernels (oneDNN's convolutions, per-thread buffers) is unknown, with a Note,
    /// and <c>MemoryHarness.Verify</c> compares a report's peak only in a process that runs its profile.
    /// </summary>
    public string? Kernels { get; set; }
}

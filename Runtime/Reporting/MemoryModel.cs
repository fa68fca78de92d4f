namespace TorchBudget;

/// <summary>
/// The byte counts the generator worked out, as formulas in the batch size B: fixed rows, and rows that grow
/// with it (<see cref="ByteFormula"/>: Constant + PerSample × B, plus any buffer sized in whole pages). Null parts are
/// unknown (see <see cref="MemoryReport.Notes"/>).
/// </summary>
public sealed class MemoryModel
{
    internal MemoryModel(long parameterBytes, long bufferBytes, long gradientBytes, long optimizerStateBytes, long inputBytesPerSample,
        ByteFormula? activations, ByteFormula[]? peakLines, long? peakAtBatchOne = null, PeakRegime[]? largerBatchPeaks = null,
        long? activationsAtBatchOne = null, InferenceModel? inference = null)
    {
        formulas = new StepFormulas("", activations, activationsAtBatchOne, peakLines, peakAtBatchOne, largerBatchPeaks);
        ParameterBytes = parameterBytes;
        BufferBytes = bufferBytes;
        GradientBytes = gradientBytes;
        OptimizerStateBytes = optimizerStateBytes;
        InputBytesPerSample = inputBytesPerSample;
        Inference = inference;
    }

    private readonly StepFormulas formulas;

    /// <summary>The inference pass's formulas (eval, no_grad, inside a DisposeScope); null when the generator did not follow one.</summary>
    public InferenceModel? Inference { get; }

    /// <summary>Bytes of all parameters.</summary>
    public long ParameterBytes { get; }

    /// <summary>Bytes of all buffers.</summary>
    public long BufferBytes { get; }

    /// <summary>Bytes of the trainable parameters' gradients.</summary>
    public long GradientBytes { get; }

    /// <summary>Bytes of optimizer state.</summary>
    public long OptimizerStateBytes { get; }

    /// <summary>
    /// Bytes of tensors TorchSharp does not register (layers kept in a <c>List&lt;T&gt;</c>, an array or a plain object)
    /// and of the gradients backward gives them: not in parameters(), never trained or cleared, yet resident between
    /// steps (TBG013). Zero for most models.
    /// </summary>
    public long UnregisteredBytes { get; internal init; }

    /// <summary>Input bytes per sample, its Int64 label included.</summary>
    public long InputBytesPerSample { get; }

    /// <summary>
    /// Bytes alive at the end of forward: a batch-independent part (e.g. BatchNorm statistics), a per-sample part, and
    /// any page-rounded native buffer (a Float32 LSTM's oneDNN workspace); null when unknown.
    /// </summary>
    public ByteFormula? Activations => formulas.Activations;

    /// <summary>
    /// The peak's lines: Peak(B) is the largest of them at B, one per moment of the step that can be the highest
    /// (forward, backward's ops, the optimizer step); null when unknown.
    /// </summary>
    public System.Collections.Generic.IReadOnlyList<ByteFormula>? PeakLines => formulas.PeakLines;

    /// <summary>
    /// The peak at batch 1 where the step runs other kernels there than at 2 and more (ATen runs a small
    /// convolution on its own path at batch 1, oneDNN from 2), so <see cref="PeakLines"/> hold from batch 2; else null.
    /// </summary>
    public long? PeakAtBatchOne => formulas.PeakAtBatchOne;

    /// <summary>
    /// Where the step runs other kernels from a larger batch on (oneDNN's RNN from batch 128), the lines from there,
    /// ascending; <see cref="PeakLines"/> hold below the first. Empty when they hold for every batch.
    /// </summary>
    public System.Collections.Generic.IReadOnlyList<PeakRegime> LargerBatchPeaks => formulas.LargerBatchPeaks;

    /// <summary>
    /// Activations at batch 1 where the step keeps other bytes there than <see cref="Activations"/> gives (ATen skips a
    /// copy that a one-sample transpose does not need: a batch-first Float32 LSTM's input); else null.
    /// </summary>
    public long? ActivationsAtBatchOne => formulas.ActivationsAtBatchOne;

    /// <summary>The activations at <paramref name="batchSize"/>.</summary>
    public long ActivationsAt(long batchSize) => formulas.ActivationsAt(batchSize);

    /// <summary>The peak at <paramref name="batchSize"/>.</summary>
    public long PeakAt(long batchSize) => formulas.PeakAt(batchSize);

    internal string? MissingRows => formulas.MissingRows;

    internal MemoryBreakdown At(long batchSize) => checked(new MemoryBreakdown(
        batchSize,
        ParameterBytes,
        BufferBytes,
        GradientBytes,
        OptimizerStateBytes,
        InputBytesPerSample * batchSize,
        ActivationsAt(batchSize),
        PeakAt(batchSize))
    {
        Unregistered = UnregisteredBytes,
    });
}

using System;
using System.ComponentModel;
using TorchSharp;

namespace TorchBudget;

// Each value is documented on the member of the same name of the report, row or model it becomes.
#pragma warning disable CS1591

/// <summary>
/// What generated code hands the runtime for one profiled model (<see cref="MemoryReport.FromGenerated"/>): the
/// analysis's values, set by name. Not for users: read the <see cref="MemoryReport"/> it becomes.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GeneratedReport
{
    public string ModelName { get; init; } = "";
    public long[] InputShape { get; init; } = Array.Empty<long>();
    public torch.ScalarType DType { get; init; } = torch.ScalarType.Float32;
    public torch.ScalarType InputDType { get; init; } = torch.ScalarType.Float32;
    public OptimizerKind Optimizer { get; init; }
    public string? KernelProfile { get; init; }
    public bool PeaksFollowKernels { get; init; } = true;
    public LossKind? Loss { get; init; }
    public OptimizerParameters OptimizerParameters { get; init; }
    public int LossOutput { get; init; }
    public ForwardInput[] FurtherInputs { get; init; } = Array.Empty<ForwardInput>();
    public object?[] ForwardArguments { get; init; } = Array.Empty<object?>();
    public long[] BatchSizes { get; init; } = Array.Empty<long>();
    public long? ParameterCount { get; init; }
    public long? TrainableParameterCount { get; init; }
    public long? BufferElements { get; init; }
    public bool IsComplete { get; init; }
    public string[] Notes { get; init; } = Array.Empty<string>();
    public GeneratedLayer[] Layers { get; init; } = Array.Empty<GeneratedLayer>();
    public string? OutputShape { get; init; }
    public long? MultiplyAccumulatesPerSample { get; init; }
    public GeneratedMemory? Memory { get; init; }
    public GeneratedSequence? Sequence { get; init; }
}

/// <summary>
/// One module's row as generated code hands it over (<see cref="LayerReport"/>). Rows are the most numerous values a
/// report has, so generated code writes them positionally: as object initializers they made a 200-model build 0.8 s slower.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GeneratedLayer(string name, string kind, long? parameterCount, long? trainableParameterCount, long? bufferElements,
    string? outputShape = null, long? activationBytesPerSample = null, long? multiplyAccumulatesPerSample = null, string? inputShape = null,
    string? inputElementType = null, string? kernel = null, int? firstCall = null, long? subtreeParameterCount = null,
    long? subtreeTrainableParameterCount = null, long? subtreeActivationBytesPerSample = null, long? subtreeMultiplyAccumulatesPerSample = null)
{
    internal LayerReport ToReport() => new(name, kind, parameterCount, trainableParameterCount, bufferElements, outputShape,
        activationBytesPerSample, multiplyAccumulatesPerSample, inputShape, inputElementType)
    {
        Kernel = kernel,
        FirstCall = firstCall,
        SubtreeParameterCount = subtreeParameterCount,
        SubtreeTrainableParameterCount = subtreeTrainableParameterCount,
        SubtreeActivationBytesPerSample = subtreeActivationBytesPerSample,
        SubtreeMultiplyAccumulatesPerSample = subtreeMultiplyAccumulatesPerSample,
    };
}

/// <summary>The training step's formulas as generated code hands them over (<see cref="MemoryModel"/>).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GeneratedMemory
{
    public long ParameterBytes { get; init; }
    public long BufferBytes { get; init; }
    public long GradientBytes { get; init; }
    public long OptimizerStateBytes { get; init; }
    public long UnregisteredBytes { get; init; }
    public long InputBytesPerSample { get; init; }
    public ByteFormula? Activations { get; init; }
    public ByteFormula[]? PeakLines { get; init; }
    public long? PeakAtBatchOne { get; init; }
    public PeakRegime[]? LargerBatchPeaks { get; init; }
    public long? ActivationsAtBatchOne { get; init; }
    public GeneratedInference? Inference { get; init; }

    internal MemoryModel ToModel() => new(ParameterBytes, BufferBytes, GradientBytes, OptimizerStateBytes, InputBytesPerSample, Activations,
        PeakLines, PeakAtBatchOne, LargerBatchPeaks, ActivationsAtBatchOne, Inference?.ToModel())
    {
        UnregisteredBytes = UnregisteredBytes,
    };
}

/// <summary>The inference pass's formulas as generated code hands them over (<see cref="InferenceModel"/>).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GeneratedInference
{
    public long InputBytesPerSample { get; init; }
    public ByteFormula? Activations { get; init; }
    public ByteFormula[]? PeakLines { get; init; }
    public long? PeakAtBatchOne { get; init; }
    public PeakRegime[]? LargerBatchPeaks { get; init; }
    public long? ActivationsAtBatchOne { get; init; }

    internal InferenceModel ToModel() =>
        new(InputBytesPerSample, Activations, PeakLines, PeakAtBatchOne, LargerBatchPeaks, ActivationsAtBatchOne);
}

namespace TorchBudget;

/// <summary>Bytes of one standard training step at one batch size (see README for the step).</summary>
public sealed class MemoryBreakdown
{
    /// <summary>Creates a row set; <see cref="MemoryReport.ForBatch(long)"/> computes them.</summary>
    public MemoryBreakdown(long batchSize, long parameters, long buffers, long gradients, long optimizerState, long input, long activations,
        long peak)
    {
        BatchSize = batchSize;
        Parameters = parameters;
        Buffers = buffers;
        Gradients = gradients;
        OptimizerState = optimizerState;
        Input = input;
        Activations = activations;
        Peak = peak;
    }

    /// <summary>The batch size B.</summary>
    public long BatchSize { get; }

    /// <summary>Parameter tensors.</summary>
    public long Parameters { get; }

    /// <summary>Buffers (BatchNorm running statistics and the like).</summary>
    public long Buffers { get; }

    /// <summary>Gradients of the trainable parameters; they persist between steps.</summary>
    public long Gradients { get; }

    /// <summary>What the optimizer keeps (Adam: two tensors per parameter, allocated when it is constructed).</summary>
    public long OptimizerState { get; }

    /// <summary>Tensors TorchSharp does not register and their gradients (see <see cref="MemoryModel.UnregisteredBytes"/>).</summary>
    public long Unregistered { get; init; }

    /// <summary>The input batch and its Int64 labels.</summary>
    public long Input { get; }

    /// <summary>Bytes alive at the end of forward inside a DisposeScope.</summary>
    public long Activations { get; }

    /// <summary>The highest total of live bytes during one steady-state step.</summary>
    public long Peak { get; }
}

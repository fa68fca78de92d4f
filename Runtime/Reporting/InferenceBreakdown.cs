namespace TorchBudget;

/// <summary>
/// Bytes of one inference pass at one batch size: <c>model.eval()</c>, then inside <c>torch.NewDisposeScope()</c> and
/// <c>torch.no_grad()</c>, <c>y = model.forward(x)</c> (see README).
/// </summary>
public sealed class InferenceBreakdown
{
    /// <summary>Creates a row set; <see cref="MemoryReport.ForInference"/> computes them.</summary>
    public InferenceBreakdown(long batchSize, long parameters, long buffers, long input, long activations, long peak)
    {
        BatchSize = batchSize;
        Parameters = parameters;
        Buffers = buffers;
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

    /// <summary>The input batch alone (no labels).</summary>
    public long Input { get; }

    /// <summary>Bytes the DisposeScope holds at the end of forward: the tensors forward created and still holds.</summary>
    public long Activations { get; }

    /// <summary>The highest total of live bytes during forward: parameters, buffers, input and forward's live and transient tensors.</summary>
    public long Peak { get; }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using TorchSharp;

namespace TorchBudget;

/// <summary>
/// What TorchBudget worked out at compile time for one profiled model. Counts are null where the
/// analysis could not know them; then <see cref="IsComplete"/> is false and <see cref="Notes"/> say why.
/// </summary>
public sealed class MemoryReport
{
    /// <summary>Creates a report; generated code calls this.</summary>
    public MemoryReport(
        string modelName,
        long[] inputShape,
        torch.ScalarType dtype,
        torch.ScalarType inputDType,
        OptimizerKind optimizer,
        long[] batchSizes,
        long? parameterCount,
        long? trainableParameterCount,
        long? bufferElements,
        bool isComplete,
        string[] notes,
        LayerReport[] layers)
    {
        ModelName = modelName;
        InputShape = Array.AsReadOnly(inputShape);
        DType = dtype;
        InputDType = inputDType;
        Optimizer = optimizer;
        BatchSizes = Array.AsReadOnly(batchSizes);
        ParameterCount = parameterCount;
        TrainableParameterCount = trainableParameterCount;
        BufferElements = bufferElements;
        IsComplete = isComplete;
        Notes = Array.AsReadOnly(notes);
        Layers = Array.AsReadOnly(layers);
    }

    /// <summary>The profiled class's name.</summary>
    public string ModelName { get; }

    /// <summary>One sample's shape, without the batch dimension.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>Element type of parameters and activations.</summary>
    public torch.ScalarType DType { get; }

    /// <summary>Element type of the input batch.</summary>
    public torch.ScalarType InputDType { get; }

    /// <summary>The optimizer whose state is accounted for.</summary>
    public OptimizerKind Optimizer { get; }

    /// <summary>Batch sizes of the table.</summary>
    public IReadOnlyList<long> BatchSizes { get; }

    /// <summary>Total parameters, as <c>parameters().Sum(p => p.numel())</c>; null when unknown.</summary>
    public long? ParameterCount { get; }

    /// <summary>Parameters with requires_grad; null when unknown.</summary>
    public long? TrainableParameterCount { get; }

    /// <summary>Total buffer elements (BatchNorm running statistics and the like); null when unknown.</summary>
    public long? BufferElements { get; }

    /// <summary>False when some part of the model could not be analyzed; <see cref="Notes"/> say which.</summary>
    public bool IsComplete { get; }

    /// <summary>Human-readable notes: what could not be analyzed and why, and other caveats.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Every module, in <c>named_modules()</c> order, the root left out.</summary>
    public IReadOnlyList<LayerReport> Layers { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(ModelName).Append(": ").Append(LayerReport.Format(ParameterCount)).Append(" parameters (")
            .Append(LayerReport.Format(TrainableParameterCount)).Append(" trainable)");
        if (!IsComplete) text.Append(", incomplete");
        text.AppendLine();
        var nameWidth = Layers.Select(l => l.Name.Length).DefaultIfEmpty(4).Max();
        foreach (var layer in Layers)
        {
            text.Append("  ").Append(layer.Name.PadRight(nameWidth)).Append("  ").Append(layer.Kind.PadRight(22))
                .Append(LayerReport.Format(layer.ParameterCount).PadLeft(14)).AppendLine();
        }
        foreach (var note in Notes) text.Append("  note: ").AppendLine(note);
        return text.ToString();
    }
}

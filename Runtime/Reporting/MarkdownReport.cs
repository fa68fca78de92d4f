using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace TorchBudget;

/// <summary>The report as Markdown (<see cref="MemoryReport.ToMarkdown"/>): rendering apart from the report's data.</summary>
internal static class MarkdownReport
{
    public static string Render(MemoryReport report)
    {
        var text = new StringBuilder();
        text.Append("### ").Append(report.ModelName).AppendLine();
        text.AppendLine();
        text.Append("Input ").Append(report.InputsText()).Append(", parameters ").Append(report.DType)
            .Append(", optimizer ").Append(report.Optimizer).Append(report.OptimizerScopeText())
            .Append(report.Loss is null ? "" : ", loss " + report.Loss)
            .Append(": ").Append(LayerReport.Format(report.ParameterCount)).Append(" parameters (")
            .Append(LayerReport.Format(report.TrainableParameterCount)).Append(" trainable).")
            .AppendLine(report.KernelProfile is { } kernels ? " Kernel profile: " + kernels + "." : "");
        text.AppendLine();
        text.AppendLine("| Layer | Kind | Output shape | Parameters | Activations / sample | Mult-adds / sample |");
        text.AppendLine("|---|---|---|---:|---:|---:|");
        foreach (var layer in report.Layers)
        {
            text.Append("| ").Append(layer.Name).Append(" | ").Append(layer.Kind).Append(" | ")
                .Append(layer.OutputShape?.ToString() ?? "unknown").Append(" | ")
                .Append(LayerReport.Format(layer.ParameterCount)).Append(" | ")
                .Append(layer.ActivationBytesPerSample is { } bytes ? ByteUnits.Format(bytes) : "unknown").Append(" | ")
                .Append(LayerReport.Format(layer.MultiplyAccumulatesPerSample)).AppendLine(" |");
        }
        text.AppendLine();
        text.Append("Forward: ").Append(LayerReport.Format(report.MultiplyAccumulatesPerSample)).AppendLine(" multiply-accumulates per sample.");
        text.AppendLine();
        if (report.Memory is { } memory)
        {
            // Known rows are printed; an unknown one says so instead of a number.
            // Unregistered tensors get a column only where a model has them (TBG013).
            var unregistered = memory.UnregisteredBytes > 0;
            text.AppendLine("| Batch | Parameters | Buffers | Gradients | Optimizer state | " + (unregistered ? "Unregistered | " : "")
                + "Input | Activations | Peak |");
            text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|" + (unregistered ? "---:|" : ""));
            foreach (var batch in report.BatchSizes)
            {
                var activations = memory.Activations is not null ? ByteUnits.Format(memory.ActivationsAt(batch)) : "unknown";
                var peak = memory.PeakLines is null ? "unknown" : ByteUnits.Format(memory.PeakAt(batch));
                text.Append("| ").Append(batch.ToString(CultureInfo.InvariantCulture));
                foreach (var cell in new[] { ByteUnits.Format(memory.ParameterBytes), ByteUnits.Format(memory.BufferBytes),
                    ByteUnits.Format(memory.GradientBytes), ByteUnits.Format(memory.OptimizerStateBytes) }
                    .Concat(unregistered ? new[] { ByteUnits.Format(memory.UnregisteredBytes) } : Array.Empty<string>())
                    .Concat(new[] { ByteUnits.Format(checked(memory.InputBytesPerSample * batch)), activations, peak }))
                {
                    text.Append(" | ").Append(cell);
                }
                text.AppendLine(" |");
            }
            if (memory.Inference is { } inference)
            {
                // The inference pass (eval, no_grad): one line per batch, unknown rows said so.
                text.AppendLine();
                text.AppendLine("| Batch (inference) | Input | Activations | Peak |");
                text.AppendLine("|---:|---:|---:|---:|");
                foreach (var batch in report.BatchSizes)
                {
                    text.Append("| ").Append(batch.ToString(CultureInfo.InvariantCulture))
                        .Append(" | ").Append(ByteUnits.Format(checked(inference.InputBytesPerSample * batch)))
                        .Append(" | ").Append(inference.Activations is not null ? ByteUnits.Format(inference.ActivationsAt(batch)) : "unknown")
                        .Append(" | ").Append(inference.PeakLines is null ? "unknown" : ByteUnits.Format(inference.PeakAt(batch))).AppendLine(" |");
                }
            }
        }
        else
        {
            text.AppendLine("The per-batch table is unknown: the parameters are not all known.");
        }
        if (SequenceGrid.Lengths(report) is { Count: > 0 } lengths)
        {
            // The training Peak over batch × sequence length, from the formulas in T.
            text.AppendLine();
            var header = string.Join(" | ", lengths.Select(t => "T = " + t.ToString(CultureInfo.InvariantCulture)));
            text.AppendLine("| Peak (training) | " + header + " |");
            text.AppendLine("|---:|" + string.Concat(lengths.Select(_ => "---:|")));
            foreach (var batch in report.BatchSizes)
            {
                text.Append("| B = ").Append(batch.ToString(CultureInfo.InvariantCulture));
                foreach (var length in lengths)
                    text.Append(" | ").Append(SequenceGrid.Peak(report, batch, length) is { } peak ? ByteUnits.Format(peak) : "unknown");
                text.AppendLine(" |");
            }
        }
        foreach (var note in report.Notes) text.AppendLine().Append("- ").Append(note);
        return text.ToString();
    }

}

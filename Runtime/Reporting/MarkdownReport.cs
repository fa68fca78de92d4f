using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace TorchBudget;

/// <summary>The report as Markdown (<see cref="MemoryReport.ToMarkdown"/>): rendering apart from the report's data.</summary>
internal static class MarkdownReport
{
    public static string Render(MemoryReport report, int? depth = null, LayerOrder order = LayerOrder.NamedModules)
    {
        var rows = LayerTable.Rows(report.Layers, depth, order);
        var text = new StringBuilder();
        text.Append("### ").Append(report.ModelName).AppendLine();
        text.AppendLine();
        text.Append("Input ").Append(report.InputsText()).Append(", parameters ").Append(report.DType)
            .Append(", optimizer ").Append(report.Optimizer).Append(report.OptimizerScopeText())
            .Append(report.Loss is null ? "" : ", loss " + report.Loss)
            .Append(": ").Append(LayerReport.Format(report.ParameterCount)).Append(" parameters (")
            .Append(LayerReport.Format(report.TrainableParameterCount)).Append(" trainable).")
            .AppendLine(report.KernelProfile is { } profile ? " Kernel profile: " + profile + "." : "");
        text.AppendLine();
        // A Kernel column only where some layer has a kernel; a module with children shows its subtree's totals.
        var kernels = rows.Any(r => r.Layer.Kernel is not null);
        text.AppendLine("| Layer | Kind | Input shape | Output shape | " + (kernels ? "Kernel | " : "") +
            "Parameters | Activations / sample | Mult-adds / sample |");
        text.AppendLine("|---|---|---|---|" + (kernels ? "---|" : "") + "---:|---:|---:|");
        foreach (var row in rows)
        {
            var layer = row.Layer;
            text.Append("| ").Append(row.Label).Append(" | ").Append(layer.Kind).Append(" | ")
                .Append(layer.InputShape?.ToString() ?? "unknown").Append(" | ")
                .Append(layer.OutputShape?.ToString() ?? "unknown").Append(" | ")
                .Append(kernels ? (layer.Kernel ?? "") + " | " : "")
                .Append(LayerReport.Format(row.Parameters)).Append(" | ")
                .Append(row.ActivationBytesPerSample is { } bytes ? ByteUnits.Format(bytes) : "unknown").Append(" | ")
                .Append(LayerReport.Format(row.MultiplyAccumulatesPerSample)).AppendLine(" |");
        }
        text.AppendLine();
        text.AppendLine(Totals(report));
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

    /// <summary>
    /// torchinfo's summary in one line, at the largest configured batch: parameters (trainable, not), mult-adds, and its
    /// estimate (input + activations + parameters) beside the exact peak of a training step.
    /// </summary>
    internal static string Totals(MemoryReport report)
    {
        var total = report.ParameterCount;
        var trainable = report.TrainableParameterCount;
        var text = new StringBuilder();
        text.Append("Total: ").Append(LayerReport.Format(total)).Append(" parameters (").Append(LayerReport.Format(trainable))
            .Append(" trainable, ").Append(LayerReport.Format(total - trainable)).Append(" non-trainable), ")
            .Append(LayerReport.Format(report.MultiplyAccumulatesPerSample)).Append(" mult-adds per sample.");
        if (report.BatchSizes.Count == 0) return text.ToString();
        var batch = report.BatchSizes.Max();
        var macs = report.MultiplyAccumulatesPerSample is { } perSample ? checked(perSample * batch) : (long?)null;
        text.Append(" At batch ").Append(batch.ToString("N0", CultureInfo.InvariantCulture)).Append(": ")
            .Append(macs is { } m ? Scaled(m) : "unknown").Append(" mult-adds");
        if (report.Memory is not { } memory) return text.Append('.').ToString();
        var input = checked(memory.InputBytesPerSample * batch);
        long? activations = memory.Activations is null ? null : memory.ActivationsAt(batch);
        text.Append("; input ").Append(ByteUnits.Format(input)).Append(" + activations ")
            .Append(activations is { } a ? ByteUnits.Format(a) : "unknown").Append(" + parameters ").Append(ByteUnits.Format(memory.ParameterBytes))
            .Append(" = ").Append(activations is { } known ? ByteUnits.Format(checked(input + known + memory.ParameterBytes)) : "unknown")
            .Append(" (torchinfo's estimate); exact training peak ")
            .Append(report.TryForBatch(batch, out var breakdown) ? ByteUnits.Format(breakdown.Peak) : "unknown").Append('.');
        return text.ToString();
    }

    /// <summary>A large count as torchinfo writes mult-adds: "41.71 M", "1.82 G".</summary>
    private static string Scaled(long count) => count switch
    {
        >= 1_000_000_000_000 => (count / 1e12).ToString("0.00", CultureInfo.InvariantCulture) + " T",
        >= 1_000_000_000 => (count / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + " G",
        >= 1_000_000 => (count / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " M",
        _ => count.ToString("N0", CultureInfo.InvariantCulture),
    };

}

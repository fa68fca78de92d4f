using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;

namespace TorchBudget;

/// <summary>
/// The report as one self-contained HTML page: what was profiled, the recommended batch under a budget, the chart
/// (<see cref="PeakChart"/>), the notes, the per-batch and per-layer tables. Inline CSS and SVG only: no script and
/// nothing fetched, so the file opens anywhere, offline. Every text from user code is escaped; the page is
/// well-formed XML as well as HTML. What is unknown is said, never drawn.
/// </summary>
internal static class HtmlReport
{
    private const string Style =
        "body{font-family:system-ui,'DejaVu Sans',sans-serif;color:#1d2330;margin:24px auto;max-width:1000px;padding:0 16px;line-height:1.4}" +
        "h1{font-size:26px;margin:0 0 8px}h2{font-size:19px;margin:28px 0 8px}" +
        "table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #cfd6e0;padding:3px 8px}th{background:#eef1f5;text-align:left}" +
        "td.num{text-align:right;font-variant-numeric:tabular-nums}tr.recommended td{background:#e8f4ee;font-weight:bold}" +
        ".unknown{color:#8a1c00}p.unknown{background:#fff4e5;border:1px solid #e8b27a;padding:8px 12px}" +
        ".verdict{font-size:16px}figure{margin:16px 0}figcaption{font-size:13px;color:#4a5262;max-width:960px}" +
        "footer{margin-top:32px;font-size:12px;color:#5c6473}";

    /// <summary>The page of <paramref name="report"/>; <paramref name="madeAt"/> is when it is made, for its footer.</summary>
    public static string Render(MemoryReport report, long budgetBytes, double safetyFactor, DateTimeOffset madeAt)
    {
        if (budgetBytes <= 0) throw new ArgumentOutOfRangeException(nameof(budgetBytes), budgetBytes, "The budget must be positive.");
        if (safetyFactor <= 0 || safetyFactor > 1)
            throw new ArgumentOutOfRangeException(nameof(safetyFactor), safetyFactor, "The safety factor must be in (0, 1].");
        var name = HtmlText.Escape(report.ModelName);
        var memory = report.Memory;
        var complete = memory is not null && memory.MissingRows is null;
        // The formulas' answer: rendering a page never runs the model (a measured report's MaxBatchSize would).
        long? recommended = complete ? report.FittedMaxBatchSize(budgetBytes, safetyFactor) : null;

        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
            .Append("<title>TorchBudget memory report: ").Append(name).Append("</title>\n")
            .Append("<style>").Append(Style).Append("</style>\n</head>\n<body>\n");
        page.Append("<h1>").Append(name).Append("</h1>\n");
        page.Append("<p class=\"setup\">").Append(HtmlText.Escape(Setup(report))).Append("</p>\n");
        page.Append("<p class=\"profile\" id=\"kernel-profile\">Device and kernels: <strong>")
            .Append(HtmlText.Escape(report.KernelProfile ?? "not stated by this report")).Append("</strong>. ")
            .Append("The figures are for this kernel profile: where a kernel&#39;s work buffers depend on the CPU&#39;s instruction set or the ")
            .Append("thread count, the notes say so.</p>\n");

        var usable = ByteUnits.Format((long)((decimal)budgetBytes * (decimal)safetyFactor));
        var budgetText = $"{PeakChart.Percent(safetyFactor)} of the {ByteUnits.Format(budgetBytes)} budget ({usable})";
        if (memory is null)
        {
            page.Append("<p class=\"unknown\" id=\"memory-unknown\">The memory table is unknown: not every parameter is known, so this page ")
                .Append("draws no chart and recommends no batch. The notes below say why.</p>\n");
        }
        else if (!complete)
        {
            page.Append("<p class=\"unknown\" id=\"peak-unknown\">Peak is unknown (").Append(HtmlText.Escape(memory.MissingRows!))
                .Append(" not predicted for this model), so this page draws no chart and recommends no batch. The notes below say why; ")
                .Append("the rows that are known are in the table.</p>\n");
        }
        else if (recommended == 0)
        {
            page.Append("<p class=\"verdict\">Not even batch 1 fits ").Append(HtmlText.Escape(budgetText)).Append(": its training peak is ")
                .Append(ByteUnits.Format(memory.PeakAt(1))).Append(".</p>\n");
        }
        else
        {
            page.Append("<p class=\"verdict\">Largest batch whose training peak fits ").Append(HtmlText.Escape(budgetText)).Append(": <strong>")
                .Append(recommended!.Value.ToString("N0", CultureInfo.InvariantCulture)).Append("</strong> (peak ")
                .Append(ByteUnits.Format(memory.PeakAt(recommended.Value))).Append(").</p>\n");
        }

        if (complete) AppendChart(page, memory!, budgetBytes, safetyFactor, recommended!.Value);
        AppendNotes(page, report.Notes);
        AppendBatchTable(page, report, recommended);
        AppendInferenceTable(page, report);
        AppendSequenceTable(page, report);
        AppendLayerTable(page, report.Layers);
        page.Append("<footer>")
            .Append(report.IsMeasured ? "Measured by TorchBudget from real steps of the model" : "Worked out at compile time by TorchBudget")
            .Append(" for one standard training step (forward, ")
            .Append(HtmlText.Escape(Harness.StepLoss.Call(report.Loss ?? LossKind.CrossEntropy))).Append(", zero_grad, ")
            .Append("backward, optimizer step; second step onward), and for inference (eval, forward under no_grad). ")
            .Append("Bytes in binary units: 1 KiB = 1,024 bytes. This page loads nothing from the network. ")
            .Append("<span id=\"made-by\">TorchBudget ").Append(HtmlText.Escape(Version)).Append(", page made ")
            .Append(madeAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append(" UTC.</span>")
            .Append("</footer>\n</body>\n</html>\n");
        return page.ToString();
    }

    /// <summary>The runtime's version, as its package is numbered (the informational version without its source hash).</summary>
    private static string Version { get; } =
        typeof(HtmlReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(HtmlReport).Assembly.GetName().Version?.ToString() ?? "(version unknown)";

    private static string Setup(MemoryReport report)
    {
        var text = new StringBuilder();
        text.Append("One sample: ").Append(report.InputsText())
            .Append(" with ").Append(Harness.StepLoss.TargetText(report.Loss ?? LossKind.CrossEntropy))
            .Append(". Parameters ").Append(report.DType).Append(", optimizer ").Append(report.Optimizer)
            .Append(report.OptimizerScopeText()).Append(". ")
            .Append(LayerReport.Format(report.ParameterCount)).Append(" parameters (").Append(LayerReport.Format(report.TrainableParameterCount))
            .Append(" trainable), ").Append(LayerReport.Format(report.BufferElements)).Append(" buffer elements; output ")
            .Append(report.OutputShape?.ToString() ?? "unknown").Append("; forward ").Append(LayerReport.Format(report.MultiplyAccumulatesPerSample))
            .Append(" multiply-accumulates per sample.");
        return text.ToString();
    }

    private static void AppendChart(StringBuilder page, MemoryModel memory, long budgetBytes, double safetyFactor, long recommended)
    {
        var (svg, rowsAbovePeak) = PeakChart.Draw(memory, budgetBytes, safetyFactor, recommended);
        page.Append("<figure id=\"peak-chart\">\n").Append(svg).Append("\n<figcaption>The peak of one training step, stacked by what holds it, ")
            .Append("against the batch size. &#8220;Step transients&#8221; is the peak minus the six rows below it: what the step holds only ")
            .Append("for a moment at its highest point (the loss and its gradients, gradients of activations, kernels&#39; work buffers). ")
            .Append("The recommended batch is the largest whose peak stays under the usable part of the budget.");
        if (rowsAbovePeak.Count > 0)
        {
            page.Append(" At batch ").Append(string.Join(", ", rowsAbovePeak.Select(b => b.ToString("N0", CultureInfo.InvariantCulture))))
                .Append(" the rows add up to more than the peak (not all are alive at its moment): those bars show the rows, and the peak is lower.");
        }
        page.Append("</figcaption>\n</figure>\n");
    }

    private static void AppendNotes(StringBuilder page, IReadOnlyList<string> notes)
    {
        page.Append("<h2>Notes</h2>\n");
        if (notes.Count == 0)
        {
            page.Append("<p>None.</p>\n");
            return;
        }
        page.Append("<ul id=\"notes\">\n");
        foreach (var note in notes) page.Append("<li>").Append(HtmlText.Escape(note)).Append("</li>\n");
        page.Append("</ul>\n");
    }

    private static void AppendBatchTable(StringBuilder page, MemoryReport report, long? recommended)
    {
        page.Append("<h2>Memory per batch</h2>\n");
        if (report.Memory is not { } memory)
        {
            page.Append("<p class=\"unknown\">Unknown: the parameters are not all known.</p>\n");
            return;
        }
        var unregistered = memory.UnregisteredBytes > 0;
        page.Append("<table id=\"batches\">\n<thead><tr><th>Batch</th><th>Parameters</th><th>Buffers</th><th>Gradients</th><th>Optimizer state</th>")
            .Append(unregistered ? "<th>Unregistered</th>" : "").Append("<th>Input</th><th>Activations</th><th>Peak</th></tr></thead>\n<tbody>\n");
        var batches = report.BatchSizes.ToList();
        if (recommended is >= 1 && !batches.Contains(recommended.Value)) batches.Add(recommended.Value);
        foreach (var batch in batches.OrderBy(b => b))
        {
            var isRecommended = batch == recommended;
            page.Append(isRecommended ? "<tr class=\"recommended\"" : "<tr").Append(" data-batch=\"")
                .Append(batch.ToString(CultureInfo.InvariantCulture)).Append("\">")
                .Append("<td class=\"num\">").Append(batch.ToString("N0", CultureInfo.InvariantCulture))
                .Append(isRecommended ? " (recommended)" : "").Append("</td>");
            foreach (var (row, bytes) in new (string, long?)[]
            {
                ("parameters", memory.ParameterBytes), ("buffers", memory.BufferBytes), ("gradients", memory.GradientBytes),
                ("optimizer-state", memory.OptimizerStateBytes), ("unregistered", memory.UnregisteredBytes),
                ("input", checked(memory.InputBytesPerSample * batch)),
                ("activations", memory.Activations is null ? null : memory.ActivationsAt(batch)),
                ("peak", memory.PeakLines is null ? null : memory.PeakAt(batch)),
            }.Where(cell => unregistered || cell.Item1 != "unregistered"))
            {
                page.Append(BytesCell(row, bytes));
            }
            page.Append("</tr>\n");
        }
        page.Append("</tbody>\n</table>\n");
    }

    /// <summary>The inference pass's rows (<see cref="MemoryReport.ForInference"/>) at the report's batch sizes, where it has them.</summary>
    private static void AppendInferenceTable(StringBuilder page, MemoryReport report)
    {
        if (report.Memory?.Inference is not { } inference) return;
        page.Append("<h2>Inference memory per batch</h2>\n<p>One forward pass in eval mode under no_grad: parameters (")
            .Append(ByteUnits.Format(report.Memory.ParameterBytes)).Append(") and buffers (").Append(ByteUnits.Format(report.Memory.BufferBytes))
            .Append(") stay resident; no gradients or optimizer state.</p>\n")
            .Append("<table id=\"inference\">\n<thead><tr><th>Batch</th><th>Input</th><th>Activations</th><th>Peak</th></tr></thead>\n<tbody>\n");
        foreach (var batch in report.BatchSizes)
        {
            page.Append("<tr data-batch=\"").Append(batch.ToString(CultureInfo.InvariantCulture)).Append("\"><td class=\"num\">")
                .Append(batch.ToString("N0", CultureInfo.InvariantCulture)).Append("</td>");
            foreach (var (row, bytes) in new (string, long?)[]
            {
                ("input", checked(inference.InputBytesPerSample * batch)),
                ("activations", inference.Activations is null ? null : inference.ActivationsAt(batch)),
                ("peak", inference.PeakLines is null ? null : inference.PeakAt(batch)),
            })
            {
                page.Append(BytesCell(row, bytes));
            }
            page.Append("</tr>\n");
        }
        page.Append("</tbody>\n</table>\n");
    }

    private static string BytesCell(string row, long? bytes) => bytes is { } known
        ? $"<td class=\"num\" data-row=\"{row}\" data-bytes=\"{known.ToString(CultureInfo.InvariantCulture)}\" " +
            $"title=\"{known.ToString("N0", CultureInfo.InvariantCulture)} bytes\">{ByteUnits.Format(known)}</td>"
        : $"<td class=\"num unknown\" data-row=\"{row}\">unknown</td>";

    /// <summary>The training Peak over batch × sequence length (<see cref="SequenceGrid"/>), where the report varies the length.</summary>
    private static void AppendSequenceTable(StringBuilder page, MemoryReport report)
    {
        if (SequenceGrid.Lengths(report) is not { Count: > 0 } lengths) return;
        page.Append("<h2>Peak by batch and sequence length</h2>\n<table id=\"sequence\">\n<thead><tr><th>Batch</th>");
        foreach (var length in lengths) page.Append("<th>T = ").Append(length.ToString("N0", CultureInfo.InvariantCulture)).Append("</th>");
        page.Append("</tr></thead>\n<tbody>\n");
        foreach (var batch in report.BatchSizes)
        {
            page.Append("<tr><td class=\"num\">").Append(batch.ToString("N0", CultureInfo.InvariantCulture)).Append("</td>");
            foreach (var length in lengths)
            {
                page.Append(SequenceGrid.Peak(report, batch, length) is { } peak
                    ? $"<td class=\"num\" data-length=\"{length.ToString(CultureInfo.InvariantCulture)}\" " +
                        $"data-bytes=\"{peak.ToString(CultureInfo.InvariantCulture)}\">{ByteUnits.Format(peak)}</td>"
                    : "<td class=\"num unknown\">unknown</td>");
            }
            page.Append("</tr>\n");
        }
        page.Append("</tbody>\n</table>\n");
    }

    /// <summary>The layers as a tree (each module before its subtree); a module with children shows its subtree's totals.</summary>
    private static void AppendLayerTable(StringBuilder page, IReadOnlyList<LayerReport> layers)
    {
        page.Append("<h2>Layers</h2>\n<p>A module with children shows its whole subtree&#39;s parameters, activations and mult-adds.</p>\n")
            .Append("<table id=\"layers\">\n<thead><tr><th>Layer</th><th>Kind</th><th>Input shape</th><th>Output shape</th><th>Kernel</th>")
            .Append("<th>Parameters</th><th>Trainable</th><th>Activations / sample</th><th>Mult-adds / sample</th></tr></thead>\n<tbody>\n");
        foreach (var row in LayerTable.Rows(layers, null, LayerOrder.Tree))
        {
            var layer = row.Layer;
            page.Append("<tr data-layer=\"").Append(HtmlText.Escape(layer.Name)).Append("\"><td style=\"white-space:pre\">")
                .Append(HtmlText.Escape(row.Label)).Append("</td><td>").Append(HtmlText.Escape(layer.Kind)).Append("</td>")
                .Append(Cell(layer.InputShape?.ToString(), numeric: false)).Append(Cell(layer.OutputShape?.ToString(), numeric: false))
                .Append("<td>").Append(HtmlText.Escape(layer.Kernel ?? "")).Append("</td>")
                .Append(Cell(Count(row.Parameters), numeric: true)).Append(Cell(Count(row.TrainableParameters), numeric: true))
                .Append(Cell(row.ActivationBytesPerSample is { } bytes ? ByteUnits.Format(bytes) : null, numeric: true))
                .Append(Cell(Count(row.MultiplyAccumulatesPerSample), numeric: true)).Append("</tr>\n");
        }
        page.Append("</tbody>\n</table>\n");
    }

    private static string? Count(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture);

    private static string Cell(string? text, bool numeric) => text is null
        ? $"<td class=\"{(numeric ? "num " : "")}unknown\">unknown</td>"
        : $"<td{(numeric ? " class=\"num\"" : "")}>{HtmlText.Escape(text)}</td>";
}

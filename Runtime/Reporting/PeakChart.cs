using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace TorchBudget;

/// <summary>
/// The HTML report's chart, an inline SVG drawn here (no script, no fetched asset): for batch sizes from 1 to beyond the
/// recommended batch, the step's peak stacked by row, what the peak holds above the rows on top, the budget and the
/// usable part of it as lines, and the recommended batch as a vertical marker. Only for a table whose rows and Peak
/// are all known; the page says why there is no chart otherwise.
/// </summary>
internal static class PeakChart
{
    private const int Width = 960, Height = 580;
    private const int PlotLeft = 100, PlotTop = 50, PlotWidth = 820, PlotHeight = 380;
    private const int PlotRight = PlotLeft + PlotWidth, PlotBottom = PlotTop + PlotHeight;

    /// <summary>The stacked series, bottom to top.</summary>
    private static readonly (string Name, string Color)[] Series =
    {
        ("Parameters", ChartColors.Parameters),
        ("Buffers", ChartColors.Buffers),
        ("Gradients", ChartColors.Gradients),
        ("Optimizer state", ChartColors.OptimizerState),
        ("Input", ChartColors.Input),
        ("Activations", ChartColors.Activations),
        ("Step transients (peak − rows)", ChartColors.StepTransients),
    };

    /// <summary>The chart, and the batches at which the rows add up to more than the peak (then their bar is the rows).</summary>
    public static (string Svg, IReadOnlyList<long> RowsAbovePeak) Draw(MemoryModel memory, long budgetBytes, double safetyFactor, long recommended)
    {
        var batches = ChartAxes.Batches(recommended);
        var step = batches.Count > 1 ? batches[^1] - batches[^2] : 1;
        var stacks = batches.Select(batch => (Batch: batch, Row: memory.At(batch))).ToList();
        var usableBytes = (decimal)budgetBytes * (decimal)safetyFactor;
        // 5% headroom: the budget line and the tallest bar never sit on the plot's top edge.
        var highest = Math.Max(budgetBytes, stacks.Max(s => Math.Max(s.Row.Peak, RowSum(s.Row))));
        var ticks = ChartAxes.Ticks(checked(highest + highest / 20));
        decimal pixelsPerBatch = (decimal)PlotWidth / (batches[^1] + step);
        var barWidth = Math.Max(2, (int)(pixelsPerBatch * step * (step == 1 ? 0.7m : 0.45m)));

        int X(decimal batch) => PlotLeft + (int)Math.Round(batch * pixelsPerBatch, MidpointRounding.AwayFromZero);
        int Y(decimal bytes) => PlotBottom - (int)Math.Round(bytes / ticks.TopBytes * PlotHeight, MidpointRounding.AwayFromZero);

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" ")
            + Invariant($"aria-label=\"Peak memory by component against batch size\" shape-rendering=\"crispEdges\" ")
            + Invariant($"font-family=\"sans-serif\" font-size=\"12\">"));
        svg.Append(Invariant(
            $"<rect x=\"{PlotLeft}\" y=\"{PlotTop}\" width=\"{PlotWidth}\" height=\"{PlotHeight}\" fill=\"{ChartColors.PlotArea}\"/>"));

        // Byte axis: grid lines and labels in one unit.
        for (var i = 0; i <= ticks.Count; i++)
        {
            var y = Y(ticks.StepBytes * i);
            if (i > 0)
                svg.Append(Invariant($"<line x1=\"{PlotLeft}\" y1=\"{y}\" x2=\"{PlotRight}\" y2=\"{y}\" stroke=\"#dde3ec\" stroke-width=\"1\"/>"));
            svg.Append(Invariant($"<text x=\"{PlotLeft - 8}\" y=\"{y + 4}\" text-anchor=\"end\" fill=\"#333\">{ticks.Label(i)}</text>"));
        }

        var rowsAbovePeak = new List<long>();
        foreach (var (batch, row) in stacks)
        {
            var rows = new[] { row.Parameters, row.Buffers, row.Gradients, row.OptimizerState, row.Input, row.Activations };
            var transients = row.Peak - RowSum(row);
            if (transients < 0) rowsAbovePeak.Add(batch);
            var left = Math.Max(PlotLeft + 1, X(batch) - barWidth / 2); // batch 1's bar stays right of the axis
            svg.Append("<g><title>").Append(HtmlText.Escape(BarTitle(batch, row))).Append("</title>");
            long below = 0;
            foreach (var (bytes, (_, color)) in rows.Append(Math.Max(0, transients)).Zip(Series))
            {
                var top = Y(below + bytes);
                var bottom = Y(below);
                // Cumulative rounding: the segments meet without gaps, and a row too small for a pixel draws nothing.
                if (bottom > top)
                    svg.Append(Invariant($"<rect x=\"{left}\" y=\"{top}\" width=\"{barWidth}\" height=\"{bottom - top}\" fill=\"{color}\"/>"));
                below += bytes;
            }
            svg.Append("</g>");
        }

        // Batch axis: labels under the bars, thinned so they never overlap.
        var widestLabel = batches[^1].ToString("N0", CultureInfo.InvariantCulture).Length * 7 + 8;
        var every = (int)Math.Max(1, Math.Ceiling(widestLabel / (pixelsPerBatch * step)));
        for (var i = 0; i < batches.Count; i++)
        {
            var batch = batches[i];
            var labelled = batch == 1 ? step == 1 || pixelsPerBatch * (step - 1) >= widestLabel : (batch / step) % every == 0;
            if (!labelled) continue;
            svg.Append(Invariant($"<text x=\"{X(batch)}\" y=\"{PlotBottom + 18}\" text-anchor=\"middle\" fill=\"#333\">{batch:N0}</text>"));
        }
        svg.Append(Invariant(
            $"<line x1=\"{PlotLeft}\" y1=\"{PlotBottom}\" x2=\"{PlotRight}\" y2=\"{PlotBottom}\" stroke=\"#333\" stroke-width=\"1\"/>"));
        svg.Append(Invariant($"<line x1=\"{PlotLeft}\" y1=\"{PlotTop}\" x2=\"{PlotLeft}\" y2=\"{PlotBottom}\" stroke=\"#333\" stroke-width=\"1\"/>"));
        svg.Append(Invariant(
            $"<text x=\"{PlotLeft + PlotWidth / 2}\" y=\"{PlotBottom + 44}\" text-anchor=\"middle\" fill=\"#333\">Batch size</text>"));
        svg.Append(Invariant($"<text x=\"24\" y=\"{PlotTop + PlotHeight / 2}\" text-anchor=\"middle\" fill=\"#333\" ")
            + Invariant($"transform=\"rotate(-90 24 {PlotTop + PlotHeight / 2})\">Bytes at the step&#39;s peak</text>"));

        // The budget, and the part of it the recommendation uses.
        var budgetY = Y(budgetBytes);
        svg.Append(Invariant(
            $"<line x1=\"{PlotLeft}\" y1=\"{budgetY}\" x2=\"{PlotRight}\" y2=\"{budgetY}\" stroke=\"{ChartColors.Budget}\" stroke-width=\"2\"/>"));
        // Labels at the left, where the bars are lowest; one label for both lines when they are too close for two.
        var budgetLabel = $"Budget {ByteUnits.Format(budgetBytes)}";
        if (safetyFactor < 1)
        {
            var usableY = Y(usableBytes);
            var usableLabel = $"Usable: {Percent(safetyFactor)} of the budget, {ByteUnits.Format((long)usableBytes)}";
            svg.Append(Invariant($"<line x1=\"{PlotLeft}\" y1=\"{usableY}\" x2=\"{PlotRight}\" y2=\"{usableY}\" ")
                + Invariant($"stroke=\"{ChartColors.UsableBudget}\" stroke-width=\"2\" stroke-dasharray=\"10 6\"/>"));
            if (usableY - budgetY >= 16) svg.Append(Invariant($"<text x=\"{PlotLeft + 6}\" y=\"{usableY - 6}\" fill=\"#333\">{usableLabel}</text>"));
            else budgetLabel += $"; usable {Percent(safetyFactor)}, {ByteUnits.Format((long)usableBytes)}";
        }
        svg.Append(Invariant($"<text x=\"{PlotLeft + 6}\" y=\"{budgetY - 6}\" fill=\"#333\">{budgetLabel}</text>"));

        // The recommended batch, where the chart reaches it.
        if (recommended >= 1 && recommended <= batches[^1])
        {
            var x = X(recommended);
            svg.Append(Invariant(
                $"<line x1=\"{x}\" y1=\"{PlotTop}\" x2=\"{x}\" y2=\"{PlotBottom}\" stroke=\"{ChartColors.RecommendedBatch}\" stroke-width=\"3\"/>"));
            var anchor = x < PlotLeft + 150 ? "start" : x > PlotRight - 150 ? "end" : "middle";
            svg.Append(Invariant($"<text x=\"{x}\" y=\"{PlotTop - 10}\" text-anchor=\"{anchor}\" fill=\"#333\" font-weight=\"bold\">")
                + Invariant($"Recommended batch {recommended:N0} (peak {ByteUnits.Format(memory.PeakAt(recommended))})</text>"));
        }

        AppendLegend(svg, budgetBytes, safetyFactor, recommended);
        svg.Append("</svg>");
        return (svg.ToString(), rowsAbovePeak);
    }

    private static void AppendLegend(StringBuilder svg, long budgetBytes, double safetyFactor, long recommended)
    {
        var items = Series.Select(s => (s.Name, s.Color, Line: (string?)null)).ToList();
        items.Add(($"Budget ({ByteUnits.Format(budgetBytes)})", ChartColors.Budget, ""));
        if (safetyFactor < 1) items.Add(($"Usable budget ({Percent(safetyFactor)})", ChartColors.UsableBudget, "10 6"));
        if (recommended >= 1) items.Add(("Recommended batch", ChartColors.RecommendedBatch, ""));
        const int Columns = 4, ColumnWidth = 230, RowHeight = 24, Top = PlotBottom + 70;
        for (var i = 0; i < items.Count; i++)
        {
            var (name, color, dashes) = items[i];
            var x = PlotLeft + i % Columns * ColumnWidth;
            var y = Top + i / Columns * RowHeight;
            if (dashes is null) svg.Append(Invariant($"<rect x=\"{x}\" y=\"{y}\" width=\"14\" height=\"14\" fill=\"{color}\"/>"));
            else svg.Append(Invariant($"<line x1=\"{x}\" y1=\"{y + 7}\" x2=\"{x + 22}\" y2=\"{y + 7}\" stroke=\"{color}\" ")
                + Invariant($"stroke-width=\"{(color == ChartColors.RecommendedBatch ? 3 : 2)}\"")
                + Invariant($"{(dashes.Length > 0 ? $" stroke-dasharray=\"{dashes}\"" : "")}/>"));
            svg.Append(Invariant($"<text x=\"{x + 28}\" y=\"{y + 12}\" fill=\"#333\">")).Append(HtmlText.Escape(name)).Append("</text>");
        }
    }

    private static long RowSum(MemoryBreakdown row) =>
        checked(row.Parameters + row.Buffers + row.Gradients + row.OptimizerState + row.Input + row.Activations);

    private static string BarTitle(long batch, MemoryBreakdown row) =>
        Invariant($"Batch {batch:N0}: peak {ByteUnits.Format(row.Peak)}; ")
        + Invariant($"parameters {ByteUnits.Format(row.Parameters)}, buffers {ByteUnits.Format(row.Buffers)}, ")
        + Invariant($"gradients {ByteUnits.Format(row.Gradients)}, optimizer state {ByteUnits.Format(row.OptimizerState)}, ")
        + Invariant($"input {ByteUnits.Format(row.Input)}, ")
        + Invariant($"activations {ByteUnits.Format(row.Activations)}, step transients {ByteUnits.Format(row.Peak - RowSum(row))}");

    internal static string Percent(double fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

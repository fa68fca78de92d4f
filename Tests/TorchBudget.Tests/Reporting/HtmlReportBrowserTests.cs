using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using TorchBudget.Tests.Zoo;
using Xunit;

namespace TorchBudget.Tests.Reporting;

/// <summary>
/// The HTML report opened in a real browser (headless Debian chromium): the screenshot must show the chart, each
/// component's colour, the budget lines and the recommended-batch marker inside the plot area, in proportion to the
/// bytes; a page whose Peak is unknown must say so and draw no bar.
/// </summary>
public class HtmlReportBrowserTests : IDisposable
{
    // 4 MiB: SimpleCnn fits a batch of about 17, so every nonzero row is tall enough to count in pixels.
    private const long Budget = 4L * 1024 * 1024;
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("tb-html-browser-");

    [Fact]
    public void SimpleCnn_chart_renders_in_chromium()
    {
        var report = ReportFixtures.Of(typeof(SimpleCnn));
        var image = Screenshot(report, "SimpleCnn");
        var plot = BoundingBox(image, Color(ChartColors.PlotArea))
            ?? throw new Xunit.Sdk.XunitException("The screenshot has no plot area: the chart did not render.");
        Assert.True(plot.Width > 600 && plot.Height > 300, $"plot area {plot.Width} × {plot.Height} px");
        var counts = CountColors(image, plot);
        int Count(string color) => counts.GetValueOrDefault(Color(color));

        var recommended = report.MaxBatchSize(Budget);
        var at = report.ForBatch(recommended);
        var rows = at.Parameters + at.Buffers + at.Gradients + at.OptimizerState + at.Input + at.Activations;
        var components = new (string Name, string Color, long Bytes)[]
        {
            ("Parameters", ChartColors.Parameters, at.Parameters), ("Buffers", ChartColors.Buffers, at.Buffers),
            ("Gradients", ChartColors.Gradients, at.Gradients), ("Optimizer state", ChartColors.OptimizerState, at.OptimizerState),
            ("Input", ChartColors.Input, at.Input), ("Activations", ChartColors.Activations, at.Activations),
            ("Step transients", ChartColors.StepTransients, at.Peak - rows),
        };
        var summary = string.Join("; ", components.Select(c => $"{c.Name} {c.Bytes:N0} B: {Count(c.Color):N0} px"));
        foreach (var (name, color, bytes) in components)
        {
            // A row of no bytes draws nothing (SimpleCnn has no buffers); one of a few percent of the peak, a visible area.
            if (bytes == 0) Assert.True(Count(color) == 0, $"{name} has no bytes but {Count(color)} pixels ({summary})");
            else if (bytes >= at.Peak / 50) Assert.True(Count(color) >= 300, $"{name}: {Count(color)} pixels ({summary})");
        }
        // Rows that do not depend on the batch stand in the same bars, so their areas are in the ratio of their bytes.
        foreach (var (name, color, bytes) in new[] { components[2], components[3] })
        {
            var ratio = (double)Count(color) / Count(ChartColors.Parameters);
            var expected = (double)bytes / at.Parameters;
            Assert.True(Math.Abs(ratio / expected - 1) < 0.15, $"{name} / Parameters: {ratio:0.00} in pixels, {expected:0.00} in bytes ({summary})");
        }

        // The lines run across the plot; the marker runs down it.
        Assert.True(Count(ChartColors.Budget) >= 1.5 * plot.Width, $"budget line: {Count(ChartColors.Budget)} px across {plot.Width}");
        Assert.True(Count(ChartColors.UsableBudget) >= 0.5 * plot.Width,
            $"usable-budget line: {Count(ChartColors.UsableBudget)} px across {plot.Width}");
        var markerRows = Enumerable.Range(plot.Top, plot.Height)
            .Count(y => Enumerable.Range(plot.Left, plot.Width).Any(x => image.Rgb(x, y) == Color(ChartColors.RecommendedBatch)));
        Assert.True(markerRows >= 0.9 * plot.Height, $"recommended-batch marker spans {markerRows} of {plot.Height} rows");
        Assert.True(Count(ChartColors.RecommendedBatch) >= 2 * plot.Height, $"recommended-batch marker: {Count(ChartColors.RecommendedBatch)} px");
    }

    [Fact]
    public void Unknown_peak_page_says_so_and_draws_no_bars_in_chromium()
    {
        var report = ReportFixtures.WithoutPeak(ReportFixtures.Of(typeof(SimpleCnn)));
        var image = Screenshot(report, "NoPeak");
        var chartColors = new[] { ChartColors.PlotArea, ChartColors.Parameters, ChartColors.Buffers, ChartColors.Gradients,
            ChartColors.OptimizerState, ChartColors.Input, ChartColors.Activations, ChartColors.StepTransients, ChartColors.Budget,
            ChartColors.UsableBudget, ChartColors.RecommendedBatch };
        var counts = CountColors(image, new Box(0, 0, image.Width, image.Height));
        foreach (var color in chartColors)
            Assert.True(counts.GetValueOrDefault(Color(color)) == 0, $"{color}: {counts.GetValueOrDefault(Color(color))} pixels");

        var dom = HeadlessChromium.DumpDom(Path.Combine(_folder.FullName, "NoPeak.html"));
        Assert.Contains("id=\"peak-unknown\"", dom, StringComparison.Ordinal);
        Assert.Contains("Peak is unknown", dom, StringComparison.Ordinal);
    }

    private PngImage Screenshot(MemoryReport report, string name)
    {
        var html = Path.Combine(_folder.FullName, name + ".html");
        var png = Path.Combine(_folder.FullName, name + ".png");
        report.WriteHtml(html, Budget);
        HeadlessChromium.Screenshot(html, png);
        var image = PngImage.Read(png);
        Assert.Equal((1200, 1600), (image.Width, image.Height));
        return image;
    }

    private readonly record struct Box(int Left, int Top, int Width, int Height);

    private static Box? BoundingBox(PngImage image, int rgb)
    {
        int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                if (image.Rgb(x, y) != rgb) continue;
                (left, top, right, bottom) = (Math.Min(left, x), Math.Min(top, y), Math.Max(right, x), Math.Max(bottom, y));
            }
        }
        return right < 0 ? null : new Box(left, top, right - left + 1, bottom - top + 1);
    }

    private static Dictionary<int, int> CountColors(PngImage image, Box box)
    {
        var counts = new Dictionary<int, int>();
        for (var y = box.Top; y < box.Top + box.Height; y++)
        {
            for (var x = box.Left; x < box.Left + box.Width; x++)
            {
                var rgb = image.Rgb(x, y);
                counts[rgb] = counts.GetValueOrDefault(rgb) + 1;
            }
        }
        return counts;
    }

    private static int Color(string hex) => int.Parse(hex.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public void Dispose() => _folder.Delete(recursive: true);
}

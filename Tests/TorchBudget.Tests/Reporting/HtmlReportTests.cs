using System;
using System.IO;
using System.Linq;
using System.Xml;
using System.Xml.Linq;
using TorchBudget.Tests.Zoo;
using Xunit;

namespace TorchBudget.Tests.Reporting;

/// <summary>
/// The HTML report as text: well-formed, self-contained (nothing to fetch), user text escaped, and its table the
/// report's own numbers. How a browser draws it is checked in <see cref="HtmlReportBrowserTests"/>.
/// </summary>
public class HtmlReportTests
{
    private const long Budget = 4L * 1024 * 1024;

    /// <summary>Markup that would make a browser fetch or run something.</summary>
    private static readonly string[] AssetMarkup = { "<script", "<link", "<img", "<iframe", "<object", "<embed", "src=", "href=", "url(", "@import" };

    [Fact]
    public void Every_zoo_page_is_well_formed_and_loads_nothing()
    {
        foreach (var report in ReportFixtures.Zoo)
        {
            var page = report.ToHtml(Budget);
            Parse(page); // throws when not well-formed
            foreach (var markup in AssetMarkup) Assert.DoesNotContain(markup, page, StringComparison.OrdinalIgnoreCase);
            if (!report.Notes.Any(n => n.Contains("http", StringComparison.OrdinalIgnoreCase)))
                Assert.DoesNotContain("http", page, StringComparison.OrdinalIgnoreCase);
            // A chart exactly where every row and the Peak are known.
            var complete = report.Memory is { } memory && memory.Activations is not null && memory.PeakLines is not null;
            Assert.True(complete == page.Contains("<svg", StringComparison.Ordinal),
                $"{report.ModelName}: chart drawn {!complete}, table complete {complete}");
        }
    }

    [Fact]
    public void Text_from_user_code_is_escaped()
    {
        const string Name = "Net<script>alert('x')</script>";
        const string Layer = "blocks.0<b>\"quoted\"";
        const string Kind = "My&Kind";
        const string Note = "<img src=x onerror=alert(1)> & more";
        var source = ReportFixtures.Of(typeof(SimpleCnn));
        // A shape is structured (LayerShape), never user text: the user's texts are the names, the kind and the note.
        var layers = new[] { new LayerReport(Layer, Kind, 10, 10, 0, "[B, 10]", 40, 90) };
        var report = ReportFixtures.Copy(source, name: Name, layers: layers, notes: new[] { Note });

        var page = report.ToHtml(Budget);
        // Escaped, the note's "src=" is text; no tag of the user's survives.
        foreach (var tag in new[] { "<script", "<img", "<b>" }) Assert.DoesNotContain(tag, page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Net&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", page, StringComparison.Ordinal);
        // Parsed back, every text is what the user wrote.
        var document = Parse(page);
        Assert.Equal(Name, document.Descendants("h1").Single().Value);
        Assert.Equal("TorchBudget memory report: " + Name, document.Descendants("title").First().Value);
        var rows = document.Descendants("table").Single(t => (string?)t.Attribute("id") == "layers").Descendants("tr")
            .Where(tr => tr.Attribute("data-layer") is not null).ToList();
        Assert.Equal(Layer, (string?)rows.Single().Attribute("data-layer"));
        Assert.Equal(new[] { "└─ " + Layer, Kind, "unknown", "[B, 10]", "", "10", "10", "40 B", "90" },
            rows.Single().Elements("td").Select(td => td.Value));
        Assert.Equal(Note, document.Descendants("ul").Single(u => (string?)u.Attribute("id") == "notes").Element("li")!.Value);
    }

    /// <summary>Every known cell of the per-batch table is the report's own bytes; an unknown one says "unknown".</summary>
    [Fact]
    public void Batch_table_cells_are_the_reports_bytes()
    {
        foreach (var report in ReportFixtures.Zoo.Append(ReportFixtures.WithoutPeak(ReportFixtures.Of(typeof(SimpleCnn)))))
        {
            if (report.Memory is not { } memory) continue;
            var complete = memory.Activations is not null && memory.PeakLines is not null;
            var rows = Table(Parse(report.ToHtml(Budget)), "batches").Descendants("tr").Where(tr => tr.Attribute("data-batch") is not null)
                .ToList();
            var batches = rows.Select(tr => long.Parse((string)tr.Attribute("data-batch")!)).ToList();
            var expectedBatches = report.BatchSizes.ToList();
            if (complete && report.MaxBatchSize(Budget) is var recommended and > 0 && !expectedBatches.Contains(recommended))
                expectedBatches.Add(recommended);
            Assert.Equal(expectedBatches.Order(), batches);
            foreach (var row in rows)
            {
                var batch = long.Parse((string)row.Attribute("data-batch")!);
                var cells = row.Elements("td").Where(td => td.Attribute("data-row") is not null)
                    .ToDictionary(td => (string)td.Attribute("data-row")!,
                        td => td.Attribute("data-bytes") is { } bytes ? long.Parse(bytes.Value) : (long?)null);
                if (complete)
                {
                    var expected = report.ForBatch(batch);
                    Assert.Equal(new long?[] { expected.Parameters, expected.Buffers, expected.Gradients, expected.OptimizerState, expected.Input,
                            expected.Activations, expected.Peak },
                        new[] { cells["parameters"], cells["buffers"], cells["gradients"], cells["optimizer-state"], cells["input"],
                            cells["activations"], cells["peak"] });
                }
                else
                {
                    Assert.Equal(new long?[] { memory.ParameterBytes, memory.BufferBytes, memory.GradientBytes, memory.OptimizerStateBytes,
                            memory.InputBytesPerSample * batch, memory.Activations is null ? null : memory.ActivationsAt(batch),
                            memory.PeakLines is null ? null : memory.PeakAt(batch) },
                        new[] { cells["parameters"], cells["buffers"], cells["gradients"], cells["optimizer-state"], cells["input"],
                            cells["activations"], cells["peak"] });
                }
            }
        }
    }

    /// <summary>The inference table's cells are the report's inference bytes at its batch sizes; unknown ones say so.</summary>
    [Fact]
    public void Inference_table_cells_are_the_reports_inference_bytes()
    {
        var checkedPages = 0;
        foreach (var report in ReportFixtures.Zoo)
        {
            var document = Parse(report.ToHtml(Budget));
            if (report.Memory?.Inference is not { } inference)
            {
                Assert.DoesNotContain(document.Descendants("table"), t => (string?)t.Attribute("id") == "inference");
                continue;
            }
            var rows = Table(document, "inference").Descendants("tr").Where(tr => tr.Attribute("data-batch") is not null).ToList();
            Assert.Equal(report.BatchSizes, rows.Select(tr => long.Parse((string)tr.Attribute("data-batch")!)));
            foreach (var row in rows)
            {
                var batch = long.Parse((string)row.Attribute("data-batch")!);
                var cells = row.Elements("td").Where(td => td.Attribute("data-row") is not null)
                    .ToDictionary(td => (string)td.Attribute("data-row")!,
                        td => td.Attribute("data-bytes") is { } b ? long.Parse(b.Value) : (long?)null);
                var expected = new long?[] { inference.InputBytesPerSample * batch,
                    inference.Activations is null ? null : inference.ActivationsAt(batch),
                    inference.PeakLines is null ? null : inference.PeakAt(batch) };
                Assert.Equal(expected, new[] { cells["input"], cells["activations"], cells["peak"] });
                if (report.TryForInference(batch, out var breakdown)) Assert.Equal(breakdown.Peak, cells["peak"]);
            }
            checkedPages++;
        }
        Assert.True(checkedPages > 10, $"only {checkedPages} zoo reports have an inference table");
    }

    [Fact]
    public void The_page_names_the_kernel_profile_the_version_and_when_it_was_made()
    {
        var report = ReportFixtures.Of(typeof(SimpleCnn));
        var before = DateTimeOffset.UtcNow;
        var document = Parse(report.ToHtml(Budget));
        var after = DateTimeOffset.UtcNow;

        Assert.Equal("CPU AVX-512, 2 threads", report.KernelProfile);
        var profile = document.Descendants("p").Single(p => (string?)p.Attribute("id") == "kernel-profile");
        Assert.Equal("CPU AVX-512, 2 threads", profile.Element("strong")!.Value);
        var madeBy = document.Descendants("span").Single(s => (string?)s.Attribute("id") == "made-by").Value;
        var version = typeof(MemoryReport).Assembly.GetName().Version!;
        Assert.StartsWith($"TorchBudget {version.Major}.{version.Minor}.{version.Build}", madeBy, StringComparison.Ordinal);
        var stamp = System.Text.RegularExpressions.Regex.Match(madeBy, @"page made (\d{4}-\d\d-\d\d \d\d:\d\d) UTC\.$");
        Assert.True(stamp.Success, madeBy);
        var made = DateTimeOffset.ParseExact(stamp.Groups[1].Value, "yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal);
        Assert.InRange(made, before.AddMinutes(-1), after);
    }

    [Fact]
    public void The_recommended_batch_is_MaxBatchSize()
    {
        var report = ReportFixtures.Of(typeof(SimpleCnn));
        var recommended = report.MaxBatchSize(Budget);
        Assert.True(recommended > 1, "the budget should fit a few samples of SimpleCnn");
        var document = Parse(report.ToHtml(Budget));
        var row = document.Descendants("tr").Single(tr => (string?)tr.Attribute("class") == "recommended");
        Assert.Equal(recommended, long.Parse((string)row.Attribute("data-batch")!));
        Assert.Contains($"<strong>{recommended:N0}</strong>", report.ToHtml(Budget), StringComparison.Ordinal);
        // A safety factor of 1 recommends the largest batch under the whole budget.
        Assert.Contains($"<strong>{report.MaxBatchSize(Budget, 1.0):N0}</strong>", report.ToHtml(Budget, 1.0), StringComparison.Ordinal);
    }

    private static XElement Table(XDocument document, string id) =>
        document.Descendants("table").Single(t => (string?)t.Attribute("id") == id);

    [Fact]
    public void An_unknown_peak_is_said_and_not_drawn()
    {
        var page = ReportFixtures.WithoutPeak(ReportFixtures.Of(typeof(SimpleCnn))).ToHtml(Budget);
        Assert.Contains("id=\"peak-unknown\"", page, StringComparison.Ordinal);
        Assert.Contains("Peak is unknown", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", page, StringComparison.Ordinal);
        Assert.DoesNotContain("(recommended)", page, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num unknown\" data-row=\"peak\">unknown</td>", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_parameters_leave_no_table()
    {
        var page = ReportFixtures.Copy(ReportFixtures.Of(typeof(SimpleCnn)), keepMemory: false, isComplete: false).ToHtml(Budget);
        Parse(page);
        Assert.Contains("id=\"memory-unknown\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-bytes", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Budget_arguments_are_checked()
    {
        var report = ReportFixtures.Of(typeof(SimpleCnn));
        Assert.Throws<ArgumentOutOfRangeException>(() => report.ToHtml(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => report.ToHtml(Budget, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => report.ToHtml(Budget, 1.5));
    }

    [Fact]
    public void WriteHtml_writes_the_page_in_UTF8_creating_its_folder()
    {
        var folder = Directory.CreateTempSubdirectory("tb-html-");
        try
        {
            var report = ReportFixtures.Of(typeof(SimpleCnn));
            var path = Path.Combine(folder.FullName, "nested", "SimpleCnn.html");
            report.WriteHtml(path, Budget);
            var bytes = File.ReadAllBytes(path);
            Assert.NotEqual(0xEF, bytes[0]); // no byte-order mark
            Assert.Equal(report.ToHtml(Budget), System.Text.Encoding.UTF8.GetString(bytes));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(3L)]
    [InlineData(17L)]
    [InlineData(89L)]
    [InlineData(49_185L)]
    [InlineData(1_455_576L)]
    [InlineData(long.MaxValue)]
    public void Chart_batches_start_at_one_and_pass_the_recommended_batch(long recommended)
    {
        var batches = ChartAxes.Batches(recommended);
        Assert.Equal(1, batches[0]);
        Assert.InRange(batches.Count, 8, 18);
        Assert.True(batches.Zip(batches.Skip(1)).All(pair => pair.First < pair.Second), string.Join(", ", batches));
        var steps = batches.Skip(1).Zip(batches.Skip(2)).Select(pair => pair.Second - pair.First).Distinct().ToList();
        Assert.Single(steps);
        if (recommended < 1_000_000_000) Assert.True(batches[^1] > recommended * 1.25 && batches[^1] >= 8, string.Join(", ", batches));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(1_000L)]
    [InlineData(1_048_576L)]
    [InlineData(3_407_872L)]
    [InlineData(8L * 1024 * 1024 * 1024)]
    [InlineData(9_876_543_210_123L)]
    public void Byte_ticks_cover_the_top_in_a_few_round_steps(long top)
    {
        var ticks = ChartAxes.Ticks(top);
        Assert.True(ticks.TopBytes >= top, $"{ticks.TopBytes} < {top}");
        Assert.InRange(ticks.Count, 1, 10);
        Assert.True(ticks.TopBytes < top * 2m + 2, $"{ticks.TopBytes} for {top}");
        Assert.Equal("0", ticks.Label(0));
    }

    private static XDocument Parse(string page)
    {
        using var reader = XmlReader.Create(new StringReader(page), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }
}

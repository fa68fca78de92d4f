using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace TorchBudget.Tests.Reporting;

/// <summary>The runtime API of the inference table: ForInference, InferenceMaxBatchSize and the Markdown line, on hand-made formulas.</summary>
public class InferenceReportTests
{
    // Resident 1,000 bytes (parameters 600, buffers 400); input 100 per sample; activations 50 + 10·B;
    // peak lines 1,000 + 100·B + (200 + 30·B) and 1,000 + 100·B + 500 (a batch-independent work buffer).
    private static MemoryReport Report(InferenceModel? inference, ByteFormula[]? trainingPeak = null) => new(
        "Toy", new long[] { 25 }, torch.ScalarType.Float32, torch.ScalarType.Float32, OptimizerKind.Sgd, new long[] { 1, 8 },
        150, 150, 100, isComplete: true, new[] { "A note." }, Array.Empty<LayerReport>(), "[B, 2]",
        new MemoryModel(600, 400, 600, 0, 108, new ByteFormula(0, 10), trainingPeak ?? new[] { new ByteFormula(3000, 500) }, inference: inference));

    private static InferenceModel Known => new(100, new ByteFormula(50, 10), new[] { new ByteFormula(1200, 130), new ByteFormula(1500, 100) });

    [Fact]
    public void ForInference_gives_each_row_at_the_batch()
    {
        var rows = Report(Known).ForInference(8);
        Assert.Equal((8L, 600L, 400L, 800L, 130L), (rows.BatchSize, rows.Parameters, rows.Buffers, rows.Input, rows.Activations));
        Assert.Equal(Math.Max(1200 + 130 * 8, 1500 + 100 * 8), rows.Peak);
        Assert.Equal(1500 + 100, Report(Known).ForInference(1).Peak);
    }

    [Fact]
    public void An_unknown_peak_or_a_missing_table_throws_with_the_notes()
    {
        var unknownPeak = Report(new InferenceModel(100, new ByteFormula(50, 10), null));
        var error = Assert.Throws<InvalidOperationException>(() => unknownPeak.ForInference(2));
        Assert.Contains("Peak unknown", error.Message);
        Assert.Contains("A note.", error.Message);
        Assert.Throws<InvalidOperationException>(() => Report(null).ForInference(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Report(Known).ForInference(0));
        Assert.Throws<ArgumentException>(() => new InferenceModel(100, null, new[] { new ByteFormula(1, 1) }));
    }

    [Fact]
    public void InferenceMaxBatchSize_is_the_largest_batch_under_the_budget()
    {
        var report = Report(Known);
        // Budget 10,000 at safety 1: max(1200 + 130B, 1500 + 100B) ≤ 10,000 → B ≤ 67 (1200 + 130·67 = 9,910; at 68: 10,040).
        Assert.Equal(67, report.InferenceMaxBatchSize(10_000, 1.0));
        Assert.True(report.ForInference(67).Peak <= 10_000 && report.ForInference(68).Peak > 10_000);
        Assert.Equal(0, report.InferenceMaxBatchSize(1_000, 1.0));
        // The training table's own answer is another: its peak is 3,000 + 500·B.
        Assert.Equal(14, report.MaxBatchSize(10_000, 1.0));
    }

    [Fact]
    public void The_markdown_has_an_inference_table()
    {
        var text = Report(Known).ToMarkdown();
        Assert.Contains("| Batch (inference) | Input | Activations | Peak |", text);
        Assert.Contains("| 8 | 800 B | 130 B | 2.25 KiB |", text);
        Assert.Contains("| 8 | 800 B | 130 B | unknown |", Report(new InferenceModel(100, new ByteFormula(50, 10), null)).ToMarkdown());
    }
}

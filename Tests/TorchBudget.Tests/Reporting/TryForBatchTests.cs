using System;
using System.Linq;
using TorchBudget.Tests.Zoo;
using Xunit;

namespace TorchBudget.Tests.Reporting;

/// <summary>
/// TryForBatch and TryForInference: the same rows as ForBatch and ForInference where every row is known, and false
/// instead of an exception where one is not (issue #20: an incomplete report must not throw at a caller who asks).
/// </summary>
public class TryForBatchTests
{
    [Fact]
    public void A_complete_report_gives_the_rows_ForBatch_gives()
    {
        var report = ReportFixtures.Of(typeof(SimpleCnn));
        foreach (var batch in new long[] { 1, 7, 64 })
        {
            Assert.True(report.TryForBatch(batch, out var rows));
            var expected = report.ForBatch(batch);
            Assert.Equal((expected.Parameters, expected.Gradients, expected.Activations, expected.Peak),
                (rows.Parameters, rows.Gradients, rows.Activations, rows.Peak));
            Assert.True(report.TryForInference(batch, out var inference));
            Assert.Equal(report.ForInference(batch).Peak, inference.Peak);
        }
    }

    [Fact]
    public void An_unknown_peak_is_false_not_an_exception()
    {
        var report = ReportFixtures.WithoutPeak(ReportFixtures.Of(typeof(SimpleCnn)));
        Assert.Throws<InvalidOperationException>(() => report.ForBatch(8));
        Assert.False(report.TryForBatch(8, out var rows));
        Assert.Null(rows);
        // The rows it knows stay readable, and the Notes say why the rest is not.
        Assert.NotNull(report.Memory!.Activations);
        Assert.Contains(report.Notes, n => n.StartsWith("Peak is unknown", StringComparison.Ordinal));
        Assert.Throws<ArgumentOutOfRangeException>(() => report.TryForBatch(0, out _));
    }

    [Fact]
    public void A_report_without_an_inference_table_is_false()
    {
        var report = ReportFixtures.Zoo.First(r => r.Memory?.Inference is null || !r.TryForInference(2, out _));
        Assert.False(report.TryForInference(2, out var inference));
        Assert.Null(inference);
    }
}

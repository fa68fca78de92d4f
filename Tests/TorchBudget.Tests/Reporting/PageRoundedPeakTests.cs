using System;
using System.Linq;
using TorchBudget;
using Xunit;

namespace TorchBudget.Tests.Reporting;

/// <summary>
/// Lines with buffers sized in whole pages (a Float32 LSTM's oneDNN workspace) are staircases: the peak, the largest
/// batch under a limit and the generator's byte arithmetic must treat them exactly, not as their linear part.
/// </summary>
public class PageRoundedPeakTests
{
    [Fact]
    public void A_rounded_buffer_counts_whole_granules()
    {
        // 3,000 bytes per sample in 4,096-byte pages: 1 page at B = 1, 2 pages at B = 2 (6,000), 3 at B = 4 (12,000).
        var formula = new ByteFormula(100, 10, new RoundedBytes(0, 3_000, 4_096), new RoundedBytes(50, 0, 64, times: 2));
        Assert.Equal(100 + 10 + 4_096 + 2 * 64, formula.At(1));
        Assert.Equal(100 + 20 + 8_192 + 2 * 64, formula.At(2));
        Assert.Equal(100 + 40 + 12_288 + 2 * 64, formula.At(4));
        Assert.False(formula.IsLinear);
    }

    [Fact]
    public void A_rounded_buffer_rejects_what_no_buffer_is()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RoundedBytes(0, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RoundedBytes(0, 1, 4_096, times: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RoundedBytes(-1, 1, 4_096));
    }

    /// <summary>MaxBatchSize on staircase lines agrees with walking the batches one by one, on seeded random formulas.</summary>
    [Fact]
    public void Largest_batch_on_staircases_equals_a_walk_over_every_batch()
    {
        var random = new Random(20261124);
        for (var trial = 0; trial < 400; trial++)
        {
            var lines = Enumerable.Range(0, random.Next(1, 4)).Select(_ => new ByteFormula(
                random.Next(0, 50_000), random.Next(0, 3) == 0 ? 0 : random.Next(1, 2_000),
                Enumerable.Range(0, random.Next(0, 3))
                    .Select(_ => new RoundedBytes(random.Next(0, 5_000), random.Next(0, 7_000), random.Next(0, 2) == 0 ? 4_096 : 64,
                        random.Next(1, 3)))
                    .ToArray()))
                .ToArray();
            var budget = random.Next(1_000, 400_000);
            var report = Report(new MemoryModel(0, 0, 0, 0, 0, new ByteFormula(0, 0), lines));
            long walked = 0;
            while (walked < 10_000 && report.Memory!.PeakAt(walked + 1) <= budget) walked++;
            var searched = report.MaxBatchSize(budget, safetyFactor: 1.0);
            // A formula with nothing per sample fits every batch once it fits one: the walk stops at its cap.
            if (walked == 10_000) Assert.True(searched >= 10_000, $"trial {trial}: {searched}");
            else Assert.Equal(walked, searched);
        }
    }

    [Fact]
    public void The_table_prints_the_rounded_bytes()
    {
        var activations = new ByteFormula(0, 1_000, new RoundedBytes(0, 3_000, 4_096));
        var report = Report(new MemoryModel(0, 0, 0, 0, 0, activations, new[] { new ByteFormula(0, 1_000, new RoundedBytes(0, 3_000, 4_096)) }));
        Assert.Equal(2 * 1_000 + 8_192, report.ForBatch(2).Activations);
        Assert.Equal(2 * 1_000 + 8_192, report.ForBatch(2).Peak);
    }

    private static MemoryReport Report(MemoryModel model) => new("Model", new long[] { 1 }, TorchSharp.torch.ScalarType.Float32,
        TorchSharp.torch.ScalarType.Float32, OptimizerKind.Sgd, new long[] { 1, 2 }, 0, 0, 0, isComplete: true, Array.Empty<string>(),
        Array.Empty<LayerReport>(), "[1, 1]", model);
}

using System;
using System.Linq;
using TorchBudget;
using Xunit;

namespace TorchBudget.Tests.Reporting;

/// <summary>
/// A layer that runs other kernels from some batch size on (oneDNN's RNN from 128) gives the peak other lines from
/// there. PeakAt picks the regime; MaxBatchSize finds the largest fitting batch even where the peak falls at a regime's start.
/// </summary>
public class PeakRegimeTests
{
    [Fact]
    public void Each_batch_reads_the_lines_of_its_regime()
    {
        var model = new MemoryModel(0, 0, 0, 0, 0, new ByteFormula(0, 0), new[] { new ByteFormula(1_000, 100) }, peakAtBatchOne: 900,
            largerBatchPeaks: new[] { new PeakRegime(128, new[] { new ByteFormula(0, 90) }),
                new PeakRegime(300, new[] { new ByteFormula(5_000, 100) }) });
        Assert.Equal(900, model.PeakAt(1));
        Assert.Equal(1_000 + 127 * 100, model.PeakAt(127));
        Assert.Equal(128 * 90, model.PeakAt(128));
        Assert.Equal(299 * 90, model.PeakAt(299));
        Assert.Equal(5_000 + 300 * 100, model.PeakAt(300));
    }

    [Fact]
    public void Regimes_must_ascend_and_refine_a_known_peak()
    {
        var regime = new PeakRegime(128, new[] { new ByteFormula(0, 1) });
        Assert.Throws<ArgumentException>(() => new MemoryModel(0, 0, 0, 0, 0, null, null, largerBatchPeaks: new[] { regime }));
        Assert.Throws<ArgumentException>(
            () => new MemoryModel(0, 0, 0, 0, 0, null, new[] { new ByteFormula(0, 1) }, largerBatchPeaks: new[] { regime, regime }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PeakRegime(1, new[] { new ByteFormula(0, 1) }));
    }

    /// <summary>On seeded random regimes (page-rounded lines included), MaxBatchSize equals the largest batch found by trying every one.</summary>
    [Fact]
    public void Largest_batch_equals_the_largest_fitting_batch_over_every_regime()
    {
        var random = new Random(1124);
        ByteFormula Line() => new(random.Next(0, 40_000), random.Next(50, 400),
            Enumerable.Range(0, random.Next(0, 2)).Select(_ => new RoundedBytes(0, random.Next(1, 3_000), 4_096)).ToArray());
        for (var trial = 0; trial < 300; trial++)
        {
            var starts = Enumerable.Range(0, random.Next(0, 3)).Select(_ => (long)random.Next(2, 2_000)).Distinct().OrderBy(s => s).ToArray();
            var regimes = starts.Select(s => new PeakRegime(s, Enumerable.Range(0, random.Next(1, 3)).Select(_ => Line()).ToArray())).ToArray();
            var model = new MemoryModel(0, 0, 0, 0, 0, new ByteFormula(0, 0), Enumerable.Range(0, random.Next(1, 3)).Select(_ => Line()).ToArray(),
                random.Next(0, 2) == 0 ? null : random.Next(0, 50_000), regimes);
            var report = new MemoryReport("Model", new long[] { 1 }, TorchSharp.torch.ScalarType.Float32, TorchSharp.torch.ScalarType.Float32,
                OptimizerKind.Sgd, new long[] { 1 }, 0, 0, 0, isComplete: true, Array.Empty<string>(), Array.Empty<LayerReport>(), "[1, 1]", model);
            var budget = random.Next(1_000, 800_000);
            // Every line grows by at least 50 bytes a sample, so nothing past 800,000 / 50 fits.
            var largest = Enumerable.Range(1, 16_000).Where(b => model.PeakAt(b) <= budget).DefaultIfEmpty(0).Max();
            Assert.Equal(largest, report.MaxBatchSize(budget, safetyFactor: 1.0));
        }
    }
}

using TorchBudget;
using Xunit;

namespace TorchBudget.Tests.Reporting;

/// <summary>
/// A table whose batch 1 runs other kernels (ATen's im2col for small convolutions) carries that batch's peak on its
/// own: the lines hold from batch 2. PeakAt, MaxBatchSize and the analyzers' check (the same PeakFormula) must agree.
/// </summary>
public class PeakAtBatchOneTests
{
    // Lines 1,000 + 100·B and 1,500 + 50·B: by the lines 1,550 at batch 1, 1,600 at 2, 1,650 at 3, 1,700 at 4, 1,750 at 5.
    private static readonly ByteFormula[] Lines = { new(1_000, 100), new(1_500, 50) };

    [Fact]
    public void Batch_one_uses_its_own_peak_and_the_lines_hold_from_two()
    {
        var model = new MemoryModel(0, 0, 0, 0, 0, new ByteFormula(0, 0), Lines, peakAtBatchOne: 1_234);
        Assert.Equal(1_234, model.PeakAt(1));
        Assert.Equal(1_600, model.PeakAt(2));
        Assert.Equal(1_550, new MemoryModel(0, 0, 0, 0, 0, new ByteFormula(0, 0), Lines).PeakAt(1));
    }

    [Theory]
    [InlineData(1_233, 1_234, 0)] // not even batch 1's own peak fits
    [InlineData(1_234, 1_234, 1)] // batch 1 fits by its own peak, batch 2 (1,600) does not
    [InlineData(1_599, 1_234, 1)]
    [InlineData(1_700, 1_234, 4)] // from 2 the lines decide
    [InlineData(1_099, 1_000, 1)] // the lines would say 0 (1,550 at batch 1); batch 1's own peak fits
    public void Largest_batch_asks_batch_one_its_own_peak(long budget, long peakAtBatchOne, long expected)
    {
        var model = new MemoryModel(0, 0, 0, 0, 0, new ByteFormula(0, 0), Lines, peakAtBatchOne);
        var report = new MemoryReport("Model", new long[] { 1 }, TorchSharp.torch.ScalarType.Float32, TorchSharp.torch.ScalarType.Float32,
            OptimizerKind.Sgd, new long[] { 1 }, 0, 0, 0, isComplete: true, System.Array.Empty<string>(), System.Array.Empty<LayerReport>(), "[1, 1]",
            model);
        Assert.Equal(expected, report.MaxBatchSize(budget, safetyFactor: 1.0));
    }
}

using System.Collections.Generic;
using System.Linq;
using TorchBudget.Harness;
using Xunit;

namespace TorchBudget.Tests.Harness;

/// <summary>The finder's search against a fake device whose step peaks at Fixed + PerSample × B and runs out of memory above its capacity.</summary>
public sealed class BatchSizeFinderTests
{
    private const long Fixed = 10_000_000, PerSample = 37_000, Capacity = 64L * 1024 * 1024;
    // What the fake device really allows, worked out from its own definition.
    private static readonly long LargestThatFits = (Capacity - Fixed) / PerSample;
    private static readonly long LargestWithin80Percent = ((long)(Capacity * 0.8) - Fixed) / PerSample;

    [Theory]
    [InlineData(1.0)]   // the report predicts the device exactly
    [InlineData(0.5)]   // the report predicts half the real cost per sample (too optimistic)
    [InlineData(3.0)]   // three times the real cost (too pessimistic)
    public void Finds_the_largest_batch_that_runs_and_the_80_percent_batch(double predictionScale)
    {
        var device = new FakeDevice();
        var lines = new List<string>();
        var search = BatchSizeFinder.Search(device, Report((long)(PerSample * predictionScale)), Capacity, progress: lines.Add);

        Assert.Equal(LargestThatFits, search.LargestBatchThatRan);
        Assert.Equal(LargestWithin80Percent, search.RecommendedBatchSize);
        // Where the search starts, then one progress line per trial step.
        Assert.StartsWith("Searching from the report's prediction: batch ", lines[0]);
        Assert.Equal(search.Probes.Count, lines.Count - 1);
        Assert.All(lines.Skip(1).Zip(search.Probes), pair => Assert.StartsWith($"batch {pair.Second.BatchSize:N0}: ", pair.First));
        Assert.Equal(device.Tried, search.Probes.Select(p => p.BatchSize));
        Assert.Contains(search.Probes, p => !p.Ran && p.Failure == "out of memory");
    }

    [Fact]
    public void A_right_prediction_is_confirmed_in_four_trial_steps()
    {
        var search = BatchSizeFinder.Search(new FakeDevice(), Report(PerSample), Capacity);

        Assert.Equal(LargestThatFits, search.PredictedLargest);
        Assert.Equal(LargestWithin80Percent, search.PredictedRecommended);
        // The prediction and one above it, for each of the two answers.
        Assert.Equal(new[] { LargestThatFits, LargestThatFits + 1, LargestWithin80Percent, LargestWithin80Percent + 1 },
            search.Probes.Select(p => p.BatchSize));
    }

    [Fact]
    public void Without_a_prediction_it_starts_at_one()
    {
        var search = BatchSizeFinder.Search(new FakeDevice(), report: null, Capacity);

        Assert.Equal(1, search.Probes[0].BatchSize);
        Assert.Equal(LargestThatFits, search.LargestBatchThatRan);
        Assert.Null(search.PredictedLargest);
    }

    [Fact]
    public void Zero_when_not_even_one_sample_fits()
    {
        var search = BatchSizeFinder.Search(new FakeDevice(), Report(PerSample), capacityBytes: Fixed);

        Assert.Equal(0, search.LargestBatchThatRan);
        Assert.Equal(0, search.RecommendedBatchSize);
    }

    [Theory]
    [InlineData(1, 1000, 1)]
    [InlineData(500, 1000, 999)]
    [InlineData(7, 7, 7)]
    [InlineData(1000, 1000, 1000)]
    [InlineData(900, 1000, 10)]
    public void Galloping_search_finds_the_boundary_from_any_start(long start, long max, long expected)
    {
        var limit = expected;
        Assert.Equal(expected, BatchSizeFinder.LargestSatisfying(b => b <= limit, start, max));
    }

    private static MemoryReport Report(long perSample) => new(
        "Fake", new long[] { 8 }, TorchSharp.torch.ScalarType.Float32, TorchSharp.torch.ScalarType.Float32, OptimizerKind.Sgd, new long[] { 1 },
        1, 1, 0, true, System.Array.Empty<string>(), System.Array.Empty<LayerReport>(), "[B, 2]",
        new MemoryModel(0, 0, 0, 0, 0, new ByteFormula(0, 0), new[] { new ByteFormula(Fixed, perSample) }));

    private sealed class FakeDevice : IBatchProbe
    {
        public List<long> Tried { get; } = new();

        public BatchProbeResult Run(long batchSize)
        {
            Tried.Add(batchSize);
            var peak = Fixed + PerSample * batchSize;
            return peak <= Capacity
                ? new BatchProbeResult(batchSize, true, peak, null)
                : new BatchProbeResult(batchSize, false, null, "out of memory");
        }
    }
}

using System.Collections.Generic;
using System.Linq;
using TorchBudget.Harness;
using TorchBudget.Tests.Zoo;
using TorchSharp;
using Xunit;

namespace TorchBudget.Tests.Harness;

/// <summary>The harness tells its caller each phase as it ends: a ResNet step takes seconds on a CPU.</summary>
[Collection(HarnessCollection.Name)]
public sealed class ProgressTests
{
    [Fact]
    public void Verify_reports_each_warm_up_step_the_measured_step_and_the_layers_checked_alone()
    {
        var lines = new List<string>();
        using var model = new SimpleCnn();
        var result = MemoryHarness.Verify(model, SimpleCnn.MemoryReport, torch.CPU, batchSize: 3, steps: 4, progress: lines.Add);

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(6, lines.Count);
        Assert.Equal("Verifying SimpleCnn at batch 3 on cpu: 3 warm-up steps, then one measured, with the CPU tensor counter", lines[0]);
        Assert.Matches(@"^warm-up step 1 of 3 \(batch 3\) done in \d+\.\d\d s, layer shapes observed$", lines[1]);
        Assert.Matches(@"^warm-up step 2 of 3 \(batch 3\) done in \d+\.\d\d s$", lines[2]);
        Assert.Matches(@"^warm-up step 3 of 3 \(batch 3\) done in \d+\.\d\d s$", lines[3]);
        Assert.Matches(@"^measured step \(batch 3\) done in \d+\.\d\d s$", lines[4]);
        // SimpleCnn calls its layers with forward(), which fires no hook: each is then checked on its own.
        Assert.Equal("6 layers that ran without a hook checked on their own", lines[5]);
    }

    [Fact]
    public void Verify_inference_reports_both_passes()
    {
        var lines = new List<string>();
        using var model = new SimpleCnn();
        var result = MemoryHarness.VerifyInference(model, SimpleCnn.MemoryReport, torch.CPU, batchSize: 5, progress: lines.Add);

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(3, lines.Count);
        Assert.StartsWith("Verifying SimpleCnn's inference at batch 5 on cpu: one warm-up pass, then one measured", lines[0]);
        Assert.Matches(@"^warm-up inference pass \(batch 5\) done in \d+\.\d\d s$", lines[1]);
        Assert.Matches(@"^measured inference pass \(batch 5\) done in \d+\.\d\d s$", lines[2]);
    }

    [Fact]
    public void The_finder_reports_where_it_starts_and_each_trial()
    {
        var lines = new List<string>();
        using var model = new SimpleCnn();
        var search = BatchSizeFinder.Find(model, SimpleCnn.MemoryReport, torch.CPU, budgetBytes: 4L << 20, progress: lines.Add);

        Assert.StartsWith("Searching from the report's prediction: batch ", lines[0]);
        var trials = lines.Where(l => l.StartsWith("batch ", System.StringComparison.Ordinal)).ToList();
        Assert.Equal(search.Probes.Count, trials.Count);
    }
}

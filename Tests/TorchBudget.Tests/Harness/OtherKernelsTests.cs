using System.Linq;
using TorchBudget.Harness;
using TorchBudget.Tests.Zoo;
using TorchSharp;
using Xunit;

namespace TorchBudget.Tests.Harness;

/// <summary>
/// A peak sized by kernels (oneDNN's blocked copies, per-thread buffers) holds for the profile the report names: in a
/// process that runs another (here one thread instead of the report's two) the harness measures it and says why it did
/// not compare it; a peak that follows no kernels is compared on any profile.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class OtherKernelsTests
{
    [Fact]
    public void The_host_profile_is_spelled_as_reports_spell_theirs()
    {
        Assert.Matches(@"^CPU (AVX-512|AVX2|SSE4\.1), \d+ threads$", HostKernels.CpuProfile());
        Assert.Equal($"CPU {HostKernels.CpuInstructionSet()}, {torch.get_num_threads()} threads", HostKernels.CpuProfile());
    }

    [Fact]
    public void A_convolution_peak_under_other_threads_is_measured_not_compared()
    {
        Assert.True(SimpleCnn.MemoryReport.PeaksFollowKernels);
        Assert.Equal("CPU AVX-512, 2 threads", SimpleCnn.MemoryReport.KernelProfile);
        var result = WithThreads(1, () => MemoryHarness.VerifyInference(new SimpleCnn(), SimpleCnn.MemoryReport, torch.CPU, 2));
        var peak = result.Rows.Single(r => r.Name == "Peak");
        Assert.Equal(VerificationOutcome.OtherKernels, peak.Outcome);
        Assert.NotNull(peak.Measured);
        Assert.Contains(result.Notes, n => n.StartsWith("Peak is not compared: the report's peak holds for CPU AVX-512, 2 threads",
            System.StringComparison.Ordinal) && n.Contains(", 1 threads", System.StringComparison.Ordinal));
        Assert.Contains("not compared: other kernels", result.ToString(), System.StringComparison.Ordinal);
        // The rows that follow no kernels are still checked.
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void A_peak_that_follows_no_kernels_is_compared_under_any_threads()
    {
        Assert.False(MnistMlp.MemoryReport.PeaksFollowKernels);
        var result = WithThreads(1, () => MemoryHarness.VerifyInference(new MnistMlp(), MnistMlp.MemoryReport, torch.CPU, 3));
        Assert.Equal(VerificationOutcome.Passed, result.Rows.Single(r => r.Name == "Peak").Outcome);
    }

    private static T WithThreads<T>(int threads, System.Func<T> run)
    {
        var before = torch.get_num_threads();
        torch.set_num_threads(threads);
        try { return run(); }
        finally { torch.set_num_threads(before); }
    }
}

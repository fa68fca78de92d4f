using System;
using System.Diagnostics;
using System.Linq;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Differential;

/// <summary>
/// The differential fuzzer with sequence length as a second variable: each program marks its input's first sample
/// dimension with SequenceDimensions (and ends in a Linear over the last dimension with an MSE loss), and wherever its
/// report covers another length (1, one more than profiled, twice it) that training step is run for real too, every
/// row compared as at the profiled length. A covered length TorchSharp rejects is a mismatch. Programs that fix the
/// length (a view to a size computed from it) are covered at the profiled length only, which is honest.
/// CI runs <see cref="DefaultPrograms"/> of seed <see cref="DefaultSeed"/>; TORCHBUDGET_SEQFUZZ_SEED and
/// TORCHBUDGET_SEQFUZZ_PROGRAMS set a soak.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class SequenceFuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 17;
    private const int DefaultPrograms = 160;

    /// <summary>At least this share of the programs must get another length checked, or the test proves little.</summary>
    private const double RequiredCoveredRate = 0.3;

    [Fact]
    public void Other_lengths_match_the_allocation_counter()
    {
        var seed = DifferentialFuzzTests.Setting("TORCHBUDGET_SEQFUZZ_SEED", DefaultSeed);
        var count = DifferentialFuzzTests.Setting("TORCHBUDGET_SEQFUZZ_PROGRAMS", DefaultPrograms);
        var stopwatch = Stopwatch.StartNew();
        var outcomes = DifferentialFuzzTests.RunInCompilations(count, i => FuzzProgram.Create(seed, i, sequence: true));
        var covered = outcomes.Count(o => o.OtherLengthsChecked > 0);
        output.WriteLine($"{outcomes.Count} programs in {stopwatch.Elapsed.TotalSeconds:F0} s: {covered} checked at another length "
            + $"({outcomes.Sum(o => o.OtherLengthsChecked)} lengths), {outcomes.Count(o => o.Mismatches.Count > 0)} with a mismatch.");
        output.WriteLine(DifferentialFuzzTests.Tally(outcomes, seed, stopwatch.Elapsed));
        var failed = outcomes.Where(o => o.Mismatches.Count > 0).ToList();
        if (Environment.GetEnvironmentVariable("TORCHBUDGET_FUZZ_REPORT") is { Length: > 0 } path)
            System.IO.File.WriteAllText(path, string.Join("\n\n", failed.Select(DifferentialFuzzTests.Describe)));
        Assert.True(failed.Count == 0,
            $"{failed.Count} of {outcomes.Count} programs differ from TorchSharp:\n\n"
            + string.Join("\n\n", failed.Take(5).Select(DifferentialFuzzTests.Describe)));
        Assert.True(covered >= RequiredCoveredRate * outcomes.Count,
            $"only {covered} of {outcomes.Count} programs were checked at another length: the test would prove little.");
    }
}

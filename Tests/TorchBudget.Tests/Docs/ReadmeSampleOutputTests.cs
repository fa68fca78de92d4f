using System;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using TorchBudget.Tests.Packaging;
using Xunit;

namespace TorchBudget.Tests.Docs;

/// <summary>
/// README's example output is what the sample prints: its SimpleCnn report and ResNet-18's layer tree verbatim, and its verification table with
/// every predicted figure and every exact row (a Peak's measured figure varies a little between machines).
/// </summary>
[Collection(PackageCollection.Name)] // a process of its own that takes the cores a while, like the consumer builds
public sealed class ReadmeSampleOutputTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task The_readme_shows_what_the_sample_prints()
    {
        var sample = typeof(ReadmeSampleOutputTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "TorchBudgetSampleApp").Value!;
        var run = await DotnetCli.RunAsync(RepositoryRoot.Path, Timeout, sample);
        Assert.True(run.Succeeded, $"The sample failed.\n{run}");

        ReadmeBlocks.AssertPrinted(ReadmeBlocks.Block("sample output"), run.Output, "SimpleCnn report (\"sample output\")");
        ReadmeBlocks.AssertPrinted(ReadmeBlocks.Block("sample verification"), run.Output, "verification table (\"sample verification\")",
            SameVerificationRow);
        ReadmeBlocks.AssertPrinted(ReadmeBlocks.Block("sample resnet tree"), run.Output, "ResNet-18 tree (\"sample resnet tree\")");
    }

    /// <summary>
    /// The same line, except that a row checked within a tolerance (not "exact") may have measured another figure:
    /// its Measured and Error cells are not compared; and on a machine that runs other kernels than README's (AVX-512, 2
    /// threads), its Peak is measured but not compared, which the row's Result says.
    /// </summary>
    private static bool SameVerificationRow(string readme, string printed)
    {
        if (readme == printed) return true;
        var (a, b) = (readme.Split('|'), printed.Split('|'));
        // "| Row | Predicted | Measured | Error | Tolerance | Result |" splits into 8 parts, the first and last empty.
        if (a.Length != 8 || b.Length != 8 || a[5].Trim() == "exact") return false;
        var otherKernels = b[6].Trim() == "not compared: other kernels";
        return new[] { 1, 2, 5 }.All(i => a[i] == b[i]) && (a[6] == b[6] || otherKernels);
    }
}

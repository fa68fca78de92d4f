using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace TorchBudget.Tests.Packaging;

/// <summary>
/// Restores the packed package into a fresh console app from a local folder, builds that app warning-free and
/// checks the generated counts against TorchSharp's own at run time.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class PackageConsumerTests(PackedPackage package)
{
    // Diagnostics the compiler reports when an analyzer or generator DLL (or a dependency it needs) fails to load or run.
    internal static readonly string[] AnalyzerLoadFailures = { "AD0001", "CS8032", "CS8784", "CS8785" };

    private const string LinearReluLinearParameters = "101770"; // 784*128 + 128 + 128*10 + 10

    [Fact]
    [Trait("Category", "Package")]
    public async Task Consumer_restores_the_package_builds_and_sees_the_generated_counts()
    {
        package.AssertPacked();
        var consumer = package.NewConsumerFolder("consumer");
        ConsumerProject.Write(consumer, package.Feed, package.Version);
        var build = await DotnetCli.RunAsync(consumer, PackedPackage.CommandTimeout, "build", "-warnaserror");
        var loadFailures = AnalyzerLoadFailures.Where(build.Output.Contains).ToList();
        Assert.True(loadFailures.Count == 0,
            $"The packaged analyzers or their dependencies failed to load ({string.Join(", ", loadFailures)}).\n{build}");
        Assert.True(build.Succeeded, $"The consumer build failed.{BuildFailureHint(build.Output)}\n{build}");

        var run = await DotnetCli.RunAsync(consumer, PackedPackage.CommandTimeout, "run", "--no-build");
        Assert.True(run.Succeeded, $"The consumer program failed.{RunFailureHint(run.Output)}\n{run}\n\nBuild:\n{build}");

        var printed = PrintedValues(run.Output);
        var context = $"\n{run}\n\nBuild:\n{build}";
        Assert.True(printed.GetValueOrDefault("real-parameters") == LinearReluLinearParameters,
            $"TorchSharp counted {printed.GetValueOrDefault("real-parameters")} parameters, expected {LinearReluLinearParameters}.{context}");
        Assert.True(printed.GetValueOrDefault("generated-parameters") == printed["real-parameters"],
            $"Generated ParameterCount {printed.GetValueOrDefault("generated-parameters")} differs from TorchSharp's count "
            + $"{printed["real-parameters"]}.{context}");
        Assert.True(printed.GetValueOrDefault("generated-trainable-parameters") == printed["real-parameters"],
            $"Generated TrainableParameterCount {printed.GetValueOrDefault("generated-trainable-parameters")} differs from "
            + $"{printed["real-parameters"]}.{context}");
        Assert.True(printed.GetValueOrDefault("report-complete") == bool.TrueString,
            $"MemoryReport.IsComplete should be True for Linear/ReLU/Linear.{context}");
        Assert.True(printed.GetValueOrDefault("verification-passed") == bool.TrueString
            && printed.GetValueOrDefault("verification-complete") == bool.TrueString,
            $"The packaged harness should verify every figure of the MLP's report in the consumer's process.{context}");

        Directory.Delete(consumer, recursive: true);
    }

    private static string BuildFailureHint(string output) =>
        output.Contains("does not contain a definition for 'ParameterCount'", StringComparison.Ordinal)
            ? " The generator emitted no ParameterCount for MnistMlp."
            : "";

    // TorchSharp reports a native library that will not load as a TypeInitializationException or a DllNotFoundException.
    private static string RunFailureHint(string output) =>
        output.Contains("TypeInitializationException", StringComparison.Ordinal) || output.Contains("DllNotFoundException", StringComparison.Ordinal)
            ? " TorchSharp's native library did not load. On Debian 12 libstdc++ lacks GLIBCXX_3.4.32, which " +
              "libLibTorchSharp.so asks for; the package's buildTransitive native-load fix (Runtime/build/TorchBudget.targets) " +
              "is what makes it load. Is that fix in the package yet?"
            : "";

    private static Dictionary<string, string> PrintedValues(string output) =>
        output.Split('\n')
            .Select(line => line.Trim().Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0])
            .ToDictionary(group => group.Key, group => group.Last()[1]);
}

using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit;

namespace TorchBudget.Tests.Packaging;

/// <summary>
/// The packed package in a user's build: TBG001 and TBG009 fail it and TBG002 warns, each at its line and column;
/// <c>dotnet format</c> applies the packed TBG001 code fix, and once the shape is fixed too, the build passes. MSBuild's
/// TorchBudgetKernels reaches the generator, and an unreadable one fails the build.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class PackageDiagnosticsTests(PackedPackage package)
{
    [Fact]
    [Trait("Category", "Package")]
    public async Task Budget_layer_size_and_shape_diagnostics_fail_the_build_where_they_are_and_the_code_fix_repairs_the_budget()
    {
        package.AssertPacked();
        var consumer = package.NewConsumerFolder("diagnostics-consumer");
        DiagnosticsConsumer.Write(consumer, package.Feed, package.Version);
        var budgeted = Path.Combine(consumer, DiagnosticsConsumer.BudgetedFile);
        var mismatched = Path.Combine(consumer, DiagnosticsConsumer.MismatchedFile);
        var cifarSource = DiagnosticsConsumer.CifarFedMlp(inputFeatures: "784");

        var failing = await DotnetCli.RunAsync(consumer, PackedPackage.CommandTimeout, "build");
        var loadFailures = PackageConsumerTests.AnalyzerLoadFailures.Where(failing.Output.Contains).ToList();
        Assert.True(loadFailures.Count == 0, $"The packaged analyzers failed to load ({string.Join(", ", loadFailures)}).\n{failing}");
        Assert.False(failing.Succeeded, $"TBG001 and TBG009 are errors: the build must fail.\n{failing}");
        AssertReported(failing, budgeted, DiagnosticsConsumer.BudgetedMlp, "MemoryBudget(\"4 MiB\"", "error TBG001");
        AssertReported(failing, budgeted, DiagnosticsConsumer.BudgetedMlp, "Linear(784, 128)", "warning TBG002");
        AssertNotReported(failing, budgeted, DiagnosticsConsumer.BudgetedMlp, "Linear(128, 10)", "TBG002");
        // The profile's input reaches fc1 as a view: the attribute is as likely wrong as the layer, so it is reported there.
        AssertReported(failing, mismatched, cifarSource, "MemoryProfile(3, 32, 32)", "error TBG009");

        // What the IDE's light bulb does, from the command line: the code fix packed beside the analyzers.
        var format = await DotnetCli.RunAsync(consumer, PackedPackage.CommandTimeout, "format", "analyzers", "--diagnostics", "TBG001");
        Assert.True(format.Succeeded, $"dotnet format failed.\n{format}");
        var formatted = File.ReadAllText(budgeted);
        var batch = Regex.Match(formatted, @"\[MemoryBudget\(""4 MiB"", BatchSize = (\d+)\)\]");
        Assert.True(batch.Success && long.Parse(batch.Groups[1].Value) is > 0 and < 4096,
            $"The TBG001 fix should have set a smaller positive BatchSize.\n{formatted}\n{format}");
        Assert.Equal(DiagnosticsConsumer.BudgetedMlp.Replace("BatchSize = 4096", $"BatchSize = {batch.Groups[1].Value}"), formatted);

        DiagnosticsConsumer.FixShapeMismatch(consumer);
        var passing = await DotnetCli.RunAsync(consumer, PackedPackage.CommandTimeout, "build");
        Assert.True(passing.Succeeded, $"With the budget's batch and the shape fixed, the build should pass.\n{passing}");
        Assert.DoesNotContain("error TBG", passing.Output);
        AssertReported(passing, mismatched, DiagnosticsConsumer.CifarFedMlp("3 * 32 * 32"), "Linear(3 * 32 * 32, 128)", "warning TBG002");

        // The project-wide kernel profile (MSBuild's TorchBudgetKernels) reaches the generator, and one it cannot read fails
        // the build at each model.
        var avx2 = await DotnetCli.RunAsync(consumer, PackedPackage.CommandTimeout, "build", "-p:TorchBudgetKernels=AVX2",
            "-p:EmitCompilerGeneratedFiles=true");
        Assert.True(avx2.Succeeded, $"The build with TorchBudgetKernels=AVX2 should pass.\n{avx2}");
        var generated = Directory.GetFiles(Path.Combine(consumer, "obj"), "*.cs", SearchOption.AllDirectories)
            .Where(f => f.Contains("generated", System.StringComparison.Ordinal)).Select(File.ReadAllText).ToList();
        Assert.Contains(generated, text => text.Contains("\"CPU AVX2, 2 threads\"", System.StringComparison.Ordinal));
        var unreadable = await DotnetCli.RunAsync(consumer, PackedPackage.CommandTimeout, "build", "-p:TorchBudgetKernels=AVX-1024");
        Assert.False(unreadable.Succeeded, $"An unreadable TorchBudgetKernels must fail the build.\n{unreadable}");
        Assert.Contains("error TBG005: Invalid [TorchBudgetKernels]", unreadable.Output);

        Directory.Delete(consumer, recursive: true);
    }

    // MSBuild prints "path(line,column): error ID: message"; a diagnostic anywhere else is a wrong location.
    private static void AssertReported(CommandResult build, string path, string source, string snippet, string severityAndId)
    {
        var (line, column) = DiagnosticsConsumer.PositionOf(source, snippet);
        var expected = $"{path}({line},{column}): {severityAndId}:";
        Assert.True(build.Output.Contains(expected), $"Expected '{expected}' (at '{snippet}').\n{build}");
    }

    private static void AssertNotReported(CommandResult build, string path, string source, string snippet, string id)
    {
        var (line, column) = DiagnosticsConsumer.PositionOf(source, snippet);
        var unexpected = $"{path}({line},{column}): warning {id}:";
        Assert.False(build.Output.Contains(unexpected), $"Did not expect '{unexpected}' (at '{snippet}').\n{build}");
    }
}

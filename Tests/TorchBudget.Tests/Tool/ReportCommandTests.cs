using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using TorchBudget.Tests.Packaging;
using TorchBudget.Tests.Zoo;
using Xunit;

namespace TorchBudget.Tests.Tool;

/// <summary>
/// <c>torchbudget report</c> run as a process, as users and CI jobs run it, on the zoo's built assembly: it prints each
/// model's generated report as the report itself renders it, the budget's answers are MaxBatchSize's and ForBatch's, and
/// bad arguments get a message and an exit code, never a stack trace. The project form is run by README's steps
/// (<see cref="Docs.ReadmeConsumerStepsTests"/>).
/// </summary>
public sealed class ReportCommandTests
{
    private const long Budget = 24L << 30;

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static string ToolPath => typeof(ReportCommandTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TorchBudgetTool").Value!;

    private static string ZooPath => typeof(ZooModels).Assembly.Location;

    /// <summary>Every class of the zoo assembly with [MemoryProfile] and its report, as the test process reads them.</summary>
    private static List<(Type Type, MemoryReport Report)> ZooReports => typeof(ZooModels).Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<MemoryProfileAttribute>() is not null)
        .Select(t => (t, (MemoryReport)t.GetProperty("MemoryReport", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!))
        .ToList();

    [Fact]
    public async Task Prints_every_profiled_model_and_answers_the_budget()
    {
        var run = await Tool("report", ZooPath, "--budget", "24 GiB", "--batch", "64");
        var expected = ZooReports;
        Assert.True(expected.Count > 25, $"only {expected.Count} profiled zoo classes");
        Assert.Contains($"{expected.Count} profiled models in {ZooPath}", run.Output, StringComparison.Ordinal);

        var allFit = true;
        foreach (var (type, report) in expected)
        {
            Assert.True(run.Output.Contains(report.ToMarkdown(), StringComparison.Ordinal), $"{type.FullName}'s report is not printed as it renders");
            var section = Section(run.Output, report.ModelName);
            if (report.TryForBatch(64, out var at64))
            {
                Assert.Contains($"Largest batch whose training peak fits 0.8 × 24 GiB (19.20 GiB): {report.MaxBatchSize(Budget):N0}", section,
                    StringComparison.Ordinal);
                var fits = at64.Peak <= Budget * 0.8m;
                Assert.Contains($"Batch 64: training peak {ByteUnits.Format(at64.Peak)}, {(fits ? "fits" : "DOES NOT FIT")}", section,
                    StringComparison.Ordinal);
                allFit &= fits;
            }
            else
            {
                Assert.Contains("Budget 24 GiB: unknown, the training peak is not predicted", section, StringComparison.Ordinal);
                allFit = false;
            }
        }
        // Some zoo peaks are unknown: a check at --batch cannot pass them, and says so by its exit code.
        Assert.False(allFit);
        Assert.Equal(3, run.ExitCode);
    }

    [Fact]
    public async Task Without_batch_the_budget_only_informs_and_html_pages_are_written()
    {
        var folder = Directory.CreateTempSubdirectory("tb-tool-html-");
        try
        {
            var run = await Tool("report", ZooPath, "--model", "SimpleCnn", "--model", "TorchBudget.Tests.Zoo.MnistMlp",
                "--budget", "16GB", "--safety", "0.5", "--html", folder.FullName);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("2 profiled models in", run.Output, StringComparison.Ordinal);
            var pages = Directory.GetFiles(folder.FullName).Select(Path.GetFileName).Order().ToList();
            Assert.Equal(new[] { "TorchBudget.Tests.Zoo.MnistMlp.html", "TorchBudget.Tests.Zoo.SimpleCnn.html" }, pages);
            var report = ZooReports.Single(r => r.Type == typeof(SimpleCnn)).Report;
            var page = File.ReadAllText(Path.Combine(folder.FullName, "TorchBudget.Tests.Zoo.SimpleCnn.html"));
            // The page's budget and safety factor are the options: its verdict is MaxBatchSize's under them.
            Assert.Contains($"<strong>{report.MaxBatchSize(16_000_000_000L, 0.5):N0}</strong>", page, StringComparison.Ordinal);
            Assert.Contains($"fits 0.5 × 16GB (7.45 GiB): {report.MaxBatchSize(16_000_000_000L, 0.5):N0}", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Depth_and_order_shape_the_layer_table_as_ToMarkdown_does()
    {
        var run = await Tool("report", ZooPath, "--model", "ResNet18", "--depth", "1", "--order", "execution");
        Assert.True(run.ExitCode == 0, run.ToString());
        var report = ZooReports.Single(r => r.Type == typeof(TorchBudget.Samples.Models.ResNet18)).Report;
        Assert.Contains(report.ToMarkdown(1, LayerOrder.Execution), run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("layer1.0", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "report", "{zoo}", "--order", "bfs" }, 2, "--order takes named, tree or execution, not 'bfs'")]
    [InlineData(new[] { "report", "{zoo}", "--depth", "0" }, 2, "--depth takes a whole number from 1")]
    [InlineData(new string[0], 2, "no command given")]
    [InlineData(new[] { "reprot", "x.dll" }, 2, "unknown command 'reprot'")]
    [InlineData(new[] { "report" }, 2, "no assembly or project given")]
    [InlineData(new[] { "report", "/no/such/Models.dll" }, 2, "/no/such/Models.dll does not exist")]
    [InlineData(new[] { "report", "{zoo}", "--budget", "8" }, 2, "'8' has no unit")]
    [InlineData(new[] { "report", "{zoo}", "--batch", "64" }, 2, "--batch checks a budget: give --budget too")]
    [InlineData(new[] { "report", "{zoo}", "--batch", "-1", "--budget", "1 GiB" }, 2, "--batch takes a positive whole number")]
    [InlineData(new[] { "report", "{zoo}", "--safety", "1.5" }, 2, "--safety takes a number in (0, 1]")]
    [InlineData(new[] { "report", "{zoo}", "--model", "NoSuchNet" }, 2, "no profiled model named NoSuchNet")]
    [InlineData(new[] { "report", "{zoo}", "--html" }, 2, "--html needs a value")]
    [InlineData(new[] { "report", "{runtime}" }, 1, "has no class with [MemoryProfile]")]
    [InlineData(new[] { "report", "{readme}" }, 2, "is not a .NET assembly")]
    public async Task Bad_arguments_get_a_message_and_an_exit_code(string[] arguments, int exitCode, string message)
    {
        var readme = Path.Combine(RepositoryRoot.Path, "README.md");
        var copy = Path.Combine(Path.GetTempPath(), $"tb-not-an-assembly-{Guid.NewGuid():N}.dll");
        File.Copy(readme, copy);
        try
        {
            var run = await Tool(arguments.Select(a => a.Replace("{zoo}", ZooPath).Replace("{readme}", copy)
                .Replace("{runtime}", typeof(MemoryReport).Assembly.Location)).ToArray());
            Assert.True(run.ExitCode == exitCode, run.ToString());
            Assert.Contains(message, run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal); // no stack trace
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public async Task Help_prints_the_usage()
    {
        var run = await Tool("--help");
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("Usage: torchbudget report <assembly.dll | project file | project folder> [options]", run.Output.Trim(),
            StringComparison.Ordinal);
    }

    /// <summary>The lines of <paramref name="output"/> from a model's heading to the next one.</summary>
    private static string Section(string output, string model)
    {
        var start = output.IndexOf($"### {model}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section for {model}");
        var end = output.IndexOf("\n### ", start + 4, StringComparison.Ordinal);
        return end < 0 ? output[start..] : output[start..end];
    }

    private static Task<CommandResult> Tool(params string[] arguments) =>
        DotnetCli.RunAsync(RepositoryRoot.Path, Timeout, new[] { ToolPath }.Concat(arguments).ToArray());
}

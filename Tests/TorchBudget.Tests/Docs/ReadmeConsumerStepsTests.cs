using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using System.Xml.Linq;
using TorchBudget.Tests.Packaging;
using Xunit;

namespace TorchBudget.Tests.Docs;

/// <summary>
/// README's "Using it in your own project" run as written, in a fresh folder (sharing the machine's package cache):
/// each command of its steps, its two files, then <c>dotnet run</c>, whose output must be README's, then the
/// command-line tool's steps and their output. Two things differ from a user's run, both checked against README's text:
/// the clone is this checkout, and the packages come from the collection's pack (the same <c>dotnet pack</c> of Runtime
/// and of Tool, -c Release) under a version of their own, so that a stale TorchBudget in the package cache can never be
/// the one tested.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ReadmeConsumerStepsTests(PackedPackage package)
{
    [Fact]
    [Trait("Category", "Package")]
    public async Task The_readme_steps_make_a_project_that_prints_the_readme_output()
    {
        package.AssertPacked();
        var root = package.NewConsumerFolder("readme-steps");
        var log = new List<CommandResult>();
        string Log() => string.Join("\n\n", log);

        var folder = await RunSteps("consumer steps", root, log);
        foreach (var file in new[] { "MnistMlp.cs", "Program.cs" })
            File.WriteAllText(Path.Combine(folder, file), ReadmeBlocks.ConsumerFile(file));
        var run = await DotnetCli.RunAsync(folder, PackedPackage.CommandTimeout, "run");
        log.Add(run);
        Assert.True(run.Succeeded, $"dotnet run of README's project failed.\n{Log()}");
        ReadmeBlocks.AssertPrinted(ReadmeBlocks.Block("consumer output"), run.Output, "output of the consumer project");

        // The command-line tool, installed from the same folder; its last step's output ends with README's lines.
        await RunSteps("consumer tool steps", folder, log);
        ReadmeBlocks.AssertPrinted(ReadmeBlocks.Block("consumer tool output"), log[^1].Output, "output of the tool");

        Directory.Delete(root, recursive: true);
    }

    /// <summary>Runs each command of a README block from <paramref name="folder"/>; returns the folder the last <c>cd</c> left.</summary>
    private async Task<string> RunSteps(string block, string folder, List<CommandResult> log)
    {
        foreach (var step in ReadmeBlocks.Block(block).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var words = Words(step);
            if (words[0] == "git")
            {
                Assert.Matches(@"^git clone \S.* torchbudget$", step);
                continue;
            }
            if (words[0] == "cd")
            {
                folder = Path.GetFullPath(Path.Combine(folder, words[1]));
                continue;
            }
            Assert.True(words[0] == "dotnet", $"README's step '{step}' is not one this test knows how to run");
            if (words[1] == "pack")
            {
                // The collection's pack, with the same arguments: the packages land in README's folder.
                Assert.Contains(words[2], new[] { "torchbudget/Runtime", "torchbudget/Tool" });
                Assert.Equal(new[] { "-c", "Release", "-o" }, words[3..^1]);
                var feed = Directory.CreateDirectory(Path.Combine(folder, words[^1])).FullName;
                var id = words[2] == "torchbudget/Tool" ? "TorchBudget.Tool" : "TorchBudget";
                var nupkg = $"{id}.{package.Version}.nupkg";
                File.Copy(Path.Combine(package.Feed, nupkg), Path.Combine(feed, nupkg));
                continue;
            }
            if (words is [_, _, _, "TorchBudget" or "TorchBudget.Tool", "--version", var version])
            {
                Assert.True(version == RepositoryVersion, $"README asks for {words[3]} {version}; the repository makes {RepositoryVersion}");
                words[^1] = package.Version;
            }
            var result = await DotnetCli.RunAsync(folder, PackedPackage.CommandTimeout, words[1..]);
            log.Add(result);
            Assert.True(result.Succeeded, $"README's step '{step}' failed.\n{string.Join("\n\n", log)}");
        }
        return folder;
    }

    /// <summary>A shell line's words, with "quoted words" kept together as the shell does.</summary>
    private static string[] Words(string line) =>
        Regex.Matches(line, "\"([^\"]*)\"|(\\S+)").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToArray();

    /// <summary>The version every project of the repository gets (Directory.Build.props).</summary>
    private static string RepositoryVersion =>
        XDocument.Load(Path.Combine(RepositoryRoot.Path, "Directory.Build.props")).Descendants("Version").Single().Value;
}

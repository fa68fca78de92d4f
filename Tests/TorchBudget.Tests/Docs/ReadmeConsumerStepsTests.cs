using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using System.Xml.Linq;
using TorchBudget.Tests.Packaging;
using Xunit;

namespace TorchBudget.Tests.Docs;

/// <summary>
/// README's "Using it in your own project" run as written, in a fresh folder (sharing the machine's package cache):
/// each command of its steps, its two files, then <c>dotnet run</c>, whose output must be README's. Two things differ
/// from a user's run, both checked against README's text: the clone is this checkout, and the package comes from the
/// collection's pack (the same <c>dotnet pack</c> of Runtime, -c Release) under a version of its own, so that a stale
/// TorchBudget in the package cache can never be the one tested.
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
        var folder = root;
        var log = new List<CommandResult>();
        string Log() => string.Join("\n\n", log);

        foreach (var step in ReadmeBlocks.Block("consumer steps").Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var words = step.Split(' ', StringSplitOptions.RemoveEmptyEntries);
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
                // The collection's pack, with the same arguments: the package lands in README's folder.
                Assert.Equal(new[] { "dotnet", "pack", "torchbudget/Runtime", "-c", "Release", "-o" }, words[..^1]);
                var feed = Directory.CreateDirectory(Path.Combine(folder, words[^1])).FullName;
                foreach (var nupkg in Directory.GetFiles(package.Feed, "*.nupkg")) File.Copy(nupkg, Path.Combine(feed, Path.GetFileName(nupkg)));
                continue;
            }
            if (words is [_, "add", "package", "TorchBudget", "--version", var version])
            {
                Assert.True(version == RepositoryVersion, $"README asks for TorchBudget {version}; the repository makes {RepositoryVersion}");
                words[^1] = package.Version;
            }
            var result = await DotnetCli.RunAsync(folder, PackedPackage.CommandTimeout, words[1..]);
            log.Add(result);
            Assert.True(result.Succeeded, $"README's step '{step}' failed.\n{Log()}");
        }

        foreach (var file in new[] { "MnistMlp.cs", "Program.cs" })
            File.WriteAllText(Path.Combine(folder, file), ReadmeBlocks.ConsumerFile(file));
        var run = await DotnetCli.RunAsync(folder, PackedPackage.CommandTimeout, "run");
        log.Add(run);
        Assert.True(run.Succeeded, $"dotnet run of README's project failed.\n{Log()}");
        ReadmeBlocks.AssertPrinted(ReadmeBlocks.Block("consumer output"), run.Output, "output of the consumer project");

        Directory.Delete(root, recursive: true);
    }

    /// <summary>The version every project of the repository gets (Directory.Build.props).</summary>
    private static string RepositoryVersion =>
        XDocument.Load(Path.Combine(RepositoryRoot.Path, "Directory.Build.props")).Descendants("Version").Single().Value;
}

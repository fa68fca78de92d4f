using System;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace TorchBudget.Tests.Packaging;

/// <summary>
/// Runtime and the command-line tool packed once, as users get them, into a local feed that every consumer test of the "Package" collection
/// restores from (a pack costs about a minute).
/// </summary>
public sealed class PackedPackage : IAsyncLifetime
{
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(10);

    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("torchbudget-package-");

    /// <summary>The local folder holding the package.</summary>
    public string Feed { get; }

    /// <summary>A version no earlier run used, so restore never takes a stale TorchBudget from the global packages folder.</summary>
    public string Version { get; } = $"0.1.0-test{DateTime.UtcNow:yyyyMMddHHmmssfff}";

    internal CommandResult? Pack { get; private set; }

    public PackedPackage() => Feed = work.CreateSubdirectory("feed").FullName;

    /// <summary>An empty folder for one consumer; it stays after a failure, for a look at the consumer.</summary>
    public string NewConsumerFolder(string name) => work.CreateSubdirectory(name).FullName;

    /// <summary>Fails the calling test with pack's output if the package could not be made.</summary>
    public void AssertPacked() => Assert.True(Pack is { Succeeded: true }, $"dotnet pack of Runtime or Tool failed.\n{Pack}");

    public async Task InitializeAsync()
    {
        // PackageVersion, not Version: the assemblies keep their version and stay up to date (no rebuild).
        Pack = await DotnetCli.RunAsync(RepositoryRoot.Path, CommandTimeout,
            "pack", "Runtime/TorchBudget.Runtime.csproj", "-c", "Release", "-o", Feed, $"-p:PackageVersion={Version}");
        // The command-line tool, packed beside it with the same version (README's steps install it).
        if (Pack.Succeeded)
            Pack = await DotnetCli.RunAsync(RepositoryRoot.Path, CommandTimeout,
                "pack", "Tool/TorchBudget.Tool.csproj", "-c", "Release", "-o", Feed, $"-p:PackageVersion={Version}");
    }

    public Task DisposeAsync()
    {
        // Only this run used the version, so its copy in the global packages folder is just litter.
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "torchbudget", "torchbudget.tool" })
        {
            var restored = new DirectoryInfo(Path.Combine(globalPackages, id, Version));
            if (restored.Exists) restored.Delete(recursive: true);
        }
        // Consumers that passed removed their folders; with none left, nothing is worth a look.
        Directory.Delete(Feed, recursive: true);
        if (work.GetFileSystemInfos().Length == 0) work.Delete();
        return Task.CompletedTask;
    }
}

/// <summary>The consumer tests share one pack and run one after the other (each build takes the machine's cores).</summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackedPackage>
{
    public const string Name = "Package";
}

using System;
using System.IO;
using System.Linq;
using Xunit;

namespace TorchBudget.Tests.Docs;

/// <summary>The part of .editorconfig the build cannot enforce: every C# line fits a screen.</summary>
public sealed class CodeStyleTests
{
    private const int MaxLineLength = 150;

    private static readonly string[] SourceFolders = { "Generator", "CodeFixes", "Runtime", "Samples", "Tests", "bench" };

    /// <summary>Files that hold the generator's output verbatim, whose lines are the emitted code's, not ours.</summary>
    private static readonly string[] Exempt = { "EmittedCodeTests.cs" };

    [Fact]
    public void Every_source_line_fits_the_editorconfig_length()
    {
        var editorConfig = File.ReadAllText(Path.Combine(RepositoryRoot.Path, ".editorconfig"));
        Assert.Contains($"max_line_length = {MaxLineLength}", editorConfig, StringComparison.Ordinal);

        var tooLong = SourceFolders
            .Select(folder => Path.Combine(RepositoryRoot.Path, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            .Where(path => !IsBuildOutput(path) && !Exempt.Contains(Path.GetFileName(path)))
            .SelectMany(path => File.ReadLines(path).Select((line, i) => (path, number: i + 1, line.Length)))
            .Where(l => l.Length > MaxLineLength)
            .Select(l => $"{Path.GetRelativePath(RepositoryRoot.Path, l.path)}:{l.number} ({l.Length} characters)")
            .ToList();
        Assert.True(tooLong.Count == 0, $"{tooLong.Count} lines longer than {MaxLineLength}:\n" + string.Join("\n", tooLong.Take(50)));
    }

    private static bool IsBuildOutput(string path) =>
        path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj");
}

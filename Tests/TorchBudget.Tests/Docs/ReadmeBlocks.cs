using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace TorchBudget.Tests.Docs;

/// <summary>
/// The parts of README.md that tests run or compare with real output, found by HTML comments around them:
/// <c>&lt;!-- NAME: begin --&gt;</c> … <c>&lt;!-- NAME: end --&gt;</c>, and <c>&lt;!-- consumer file: FILE --&gt;</c>
/// before the fenced code that is that file.
/// </summary>
internal static class ReadmeBlocks
{
    public static string Text { get; } = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md")).ReplaceLineEndings("\n");

    /// <summary>The lines between the markers, without a code fence around them and without trailing spaces.</summary>
    public static IReadOnlyList<string> Block(string name)
    {
        var begin = $"<!-- {name}: begin -->\n";
        var start = Text.IndexOf(begin, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no '{begin.Trim()}'");
        start += begin.Length;
        var end = Text.IndexOf($"<!-- {name}: end -->", start, StringComparison.Ordinal);
        Assert.True(end >= 0, $"README.md does not end the block '{name}'");
        var lines = Text[start..end].TrimEnd('\n').Split('\n').Select(l => l.TrimEnd()).ToList();
        if (lines.Count >= 2 && lines[0].StartsWith("```", StringComparison.Ordinal) && lines[^1] == "```") lines = lines[1..^1];
        return lines;
    }

    /// <summary>The fenced code after <c>&lt;!-- consumer file: NAME --&gt;</c>.</summary>
    public static string ConsumerFile(string name)
    {
        var marker = $"<!-- consumer file: {name} -->\n";
        var start = Text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no '{marker.Trim()}'");
        var fence = Text.IndexOf("```", start + marker.Length, StringComparison.Ordinal);
        var body = Text.IndexOf('\n', fence) + 1;
        var close = Text.IndexOf("\n```", body, StringComparison.Ordinal);
        return Text[body..(close + 1)];
    }

    /// <summary>
    /// Fails unless <paramref name="expected"/> appears in <paramref name="output"/> as consecutive lines (trailing spaces
    /// ignored), each pair of lines the same by <paramref name="same"/> (plain equality when null).
    /// </summary>
    public static void AssertPrinted(IReadOnlyList<string> expected, string output, string what, Func<string, string, bool>? same = null)
    {
        same ??= string.Equals;
        var printed = output.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        var best = (At: -1, Matched: -1);
        for (var at = 0; at + expected.Count <= printed.Count; at++)
        {
            var matched = 0;
            while (matched < expected.Count && same(expected[matched], printed[at + matched])) matched++;
            if (matched == expected.Count) return;
            if (matched > best.Matched) best = (at, matched);
        }
        var hint = best.At < 0 ? "not even its first line was printed"
            : $"README's line {best.Matched + 1} of the block, '{expected[best.Matched]}', differs from the printed " +
              $"'{printed[best.At + best.Matched]}'";
        Assert.Fail($"README.md's {what} is not what was printed: {hint}.\nPrinted:\n{output}");
    }
}

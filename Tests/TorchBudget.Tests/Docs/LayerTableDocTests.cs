using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using TorchBudget.Generator.Diagnostics;
using TorchBudget.Generator.Layers;
using Xunit;

namespace TorchBudget.Tests.Docs;

/// <summary>
/// docs/layers.md is rendered from the generator's layer table; this keeps the committed file in step
/// with the table. Set TORCHBUDGET_UPDATE_DOCS=1 to rewrite the file instead of failing.
/// </summary>
public sealed class LayerTableDocTests
{
    private const string UpdateVariable = "TORCHBUDGET_UPDATE_DOCS";

    [Fact]
    public void Committed_layers_md_matches_the_layer_table()
    {
        var path = Path.Combine(RepositoryRoot.Path, "docs", "layers.md");
        var expected = Normalize(LayerTableMarkdown.Render());

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, expected);
            return;
        }

        var committed = File.Exists(path) ? Normalize(File.ReadAllText(path)) : null;
        Assert.True(committed == expected,
            committed is null
                ? $"{path} is missing. Generate it with: {UpdateVariable}=1 dotnet test Tests/TorchBudget.Tests --filter FullyQualifiedName~Docs"
                : $"{path} is out of date with Generator/Layers/LayerRules.cs (first difference at line {FirstDifferentLine(committed, expected)}). "
                  + $"Regenerate it with: {UpdateVariable}=1 dotnet test Tests/TorchBudget.Tests --filter FullyQualifiedName~Docs");
    }

    [Fact]
    public void Every_factory_of_the_table_is_in_the_rendered_docs()
    {
        var markdown = LayerTableMarkdown.Render();
        foreach (var rule in LayerRules.All)
        {
            Assert.Contains($"`{rule.Factory}`", markdown, StringComparison.Ordinal);
        }
    }

    /// <summary>Every helpLinkUri points at docs/diagnostics/ID.md, and the planned IDs have pages too: no link 404s.</summary>
    [Fact]
    public void Every_diagnostic_id_has_a_help_page()
    {
        var root = RepositoryRoot.Path;
        var descriptors = typeof(DiagnosticDescriptors).GetFields()
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToList();
        Assert.NotEmpty(descriptors);
        foreach (var descriptor in descriptors)
        {
            Assert.EndsWith($"/docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLinkUri, StringComparison.Ordinal);
        }

        // The build step's warnings (Runtime/build) are IDs the package reports too.
        var buildStep = File.ReadAllText(Path.Combine(root, "Runtime", "build", "LibTorchSharpPatch.cs"));
        var buildIds = System.Text.RegularExpressions.Regex.Matches(buildStep, "\"(TBN\\d{3})\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(new[] { "TBN001", "TBN002" }, buildIds);
        foreach (var id in descriptors.Select(d => d.Id).Concat(new[] { "TBG001", "TBG002", "TBG003" }).Concat(buildIds))
        {
            var page = Path.Combine(root, "docs", "diagnostics", $"{id}.md");
            Assert.True(File.Exists(page), $"{page} is missing");
            Assert.StartsWith($"# {id}: ", File.ReadAllText(page), StringComparison.Ordinal);
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    private static int FirstDifferentLine(string actual, string expected)
    {
        var a = actual.Split('\n');
        var e = expected.Split('\n');
        for (var i = 0; i < Math.Min(a.Length, e.Length); i++)
        {
            if (a[i] != e[i]) return i + 1;
        }
        return Math.Min(a.Length, e.Length) + 1;
    }
}

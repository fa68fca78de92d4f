using System.Globalization;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using TorchBudget.Analyzers;
using TorchBudget.CodeFixes;
using Xunit;

namespace TorchBudget.Tests.Generator;

/// <summary>Applies the TBG001 code fix (one by one and as Fix All) and checks the result against the real analyzer.</summary>
internal static class CodeFixTest
{
    /// <summary>
    /// <paramref name="source"/> with markup for the diagnostics; <paramref name="fixedSource"/> after the fix, in which
    /// the analyzer must report nothing (so the batch the fix wrote fits). Equal sources mean: no fix is offered.
    /// </summary>
    public static Task VerifyAsync(string source, string fixedSource, string? editorConfig = null)
    {
        var test = new CSharpCodeFixTest<MemoryProfileAnalyzer, SetBatchSizeCodeFixProvider, DefaultVerifier>
        {
            TestCode = TestCompilation.Usings + source,
            FixedCode = TestCompilation.Usings + fixedSource,
        };
        // Doc comments as structured trivia, as in the IDE and in projects that generate documentation.
        test.SolutionTransforms.Add((solution, projectId) => solution.WithProjectParseOptions(projectId,
            ((CSharpParseOptions)solution.GetProject(projectId)!.ParseOptions!).WithDocumentationMode(DocumentationMode.Parse)));
        return AnalyzerTest.Configure(test, editorConfig).RunAsync();
    }

    /// <summary>What the analyzer hands the fix as the largest batch that fits, for the one model in a source without markup.</summary>
    public static long LargestBatchThatFits(string source)
    {
        var diagnostics = TestCompilation.Analyze(TestCompilation.Create(TestCompilation.Usings + source));
        var overBudget = Assert.Single(diagnostics, d => d.Id == "TBG001");
        Assert.True(overBudget.Properties.TryGetValue(OverBudgetProperties.LargestBatchThatFits, out var text), "TBG001 carries no largest batch.");
        return long.Parse(text!, NumberStyles.None, CultureInfo.InvariantCulture);
    }
}

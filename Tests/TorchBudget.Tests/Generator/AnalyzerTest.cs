using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using TorchBudget.Analyzers;

namespace TorchBudget.Tests.Generator;

/// <summary>Runs the analyzer over markup sources (<c>{|TBG004:span|}</c>) with TorchSharp and TorchBudget referenced.</summary>
internal static class AnalyzerTest
{
    public static Task VerifyAsync(string source, string? editorConfig = null) =>
        Configure(new CSharpAnalyzerTest<MemoryProfileAnalyzer, DefaultVerifier> { TestCode = TestCompilation.Usings + source }, editorConfig)
            .RunAsync();

    /// <summary>The references and options every analyzer or code fix test of TorchBudget models needs.</summary>
    public static TTest Configure<TTest>(TTest test, string? editorConfig) where TTest : AnalyzerTest<DefaultVerifier>
    {
        test.ReferenceAssemblies = ReferenceAssemblies.Net.Net80;
        test.TestState.AdditionalReferences.Add(typeof(TorchSharp.torch).Assembly);
        test.TestState.AdditionalReferences.Add(typeof(MemoryProfileAttribute).Assembly);
        if (editorConfig is not null) test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", editorConfig));
        return test;
    }
}

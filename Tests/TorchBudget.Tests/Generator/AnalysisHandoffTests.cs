using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TorchBudget.Analyzers;
using TorchBudget.Generator;
using TorchBudget.Generator.Analysis;
using TorchBudget.Generator.Pipeline;
using Xunit;

namespace TorchBudget.Tests.Generator;

/// <summary>
/// A build analyzes each model once: the analyzer takes the generator's result for the compilation the generator saw
/// plus its output (Generator/Pipeline/AnalysisHandoff.cs), and analyzes the model itself for any other compilation, so
/// what it reports is always what a fresh analysis of the code it sees gives.
/// </summary>
public class AnalysisHandoffTests
{
    private static string Model(string name, string budget) => TestCompilation.Usings + $$"""
        namespace Models;
        [MemoryProfile(784)]
        [MemoryBudget("{{budget}}", BatchSize = 64)]
        public partial class {{name}} : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc1 = Linear(784, 256);
            private readonly Module<Tensor, Tensor> fc2 = Linear(256, 10);
            public {{name}}() : base("{{name}}") => RegisterComponents();
            public override Tensor forward(Tensor x) { return fc2.forward(functional.relu(fc1.forward(x))); }
        }
        """;

    private const string Unreadable = TestCompilation.Usings + """
        namespace Models;
        [MemoryProfile(4)]
        public partial class Unreadable : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc;
            public Unreadable() : base("u") { fc = Linear(4, long.Parse(System.IO.File.ReadAllText("n.txt"))); RegisterComponents(); }
            public override Tensor forward(Tensor x) { return fc.forward(x); }
        }
        """;

    private static (CSharpCompilation Input, Compilation Output, MemoryProfileGenerator Generator) Build()
    {
        var input = TestCompilation.Create(Model("OverBudget", "1 MiB"), Model("Fits", "8 GiB"), Unreadable);
        var generator = new MemoryProfileGenerator();
        CSharpGeneratorDriver.Create(generator).RunGeneratorsAndUpdateCompilation(input, out var output, out _);
        return (input, output, generator);
    }

    private static INamedTypeSymbol Type(Compilation compilation, string name) => compilation.GetTypeByMetadataName("Models." + name)!;

    private static TorchBudget.Generator.Model.ModelSpec? Take(Compilation compilation, string name) =>
        AnalysisHandoff.Take(Type(compilation, name), new HandoffReader(compilation));

    private static IEnumerable<string> Described(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.Select(d => $"{d.Id} {d.Location.GetLineSpan()} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
            .OrderBy(s => s, System.StringComparer.Ordinal);

    [Fact]
    public void The_analyzer_and_the_generator_are_one_assembly() =>
        Assert.Same(typeof(MemoryProfileGenerator).Assembly, typeof(MemoryProfileAnalyzer).Assembly);

    [Fact]
    public void The_analyzer_takes_the_generators_result_for_the_compilation_it_produced()
    {
        var (input, output, generator) = Build();
        Assert.Equal(3, generator.Cache.Analyses);
        foreach (var name in new[] { "OverBudget", "Fits", "Unreadable" })
        {
            var taken = Take(output, name);
            Assert.NotNull(taken);
            // The same analysis a fresh run gives (the generator's adds the parametric formulas' notes).
            var fresh = ModelAnalysis.Analyze(Type(output, name), Type(output, name).GetAttributes()[0], output, default, parametricFormulas: false);
            Assert.Equal(fresh.Diagnostics, taken!.Diagnostics);
            Assert.Equal(fresh.LayerSites, taken.LayerSites);
            Assert.Equal(fresh.Memory, taken.Memory);
            Assert.Equal(fresh.Budget, taken.Budget);
        }
        // What it reports from the handed-off results is what it reports analyzing every model itself (no generator).
        var handedOff = TestCompilation.Analyze(output);
        Assert.Contains(handedOff, d => d.Id == "TBG001");
        Assert.Contains(handedOff, d => d.Id == "TBG004");
        Assert.Equal(Described(TestCompilation.Analyze(input)), Described(handedOff));
    }

    [Fact]
    public void An_edit_after_generation_is_analyzed_afresh()
    {
        var (_, output, _) = Build();
        var tree = output.SyntaxTrees.First(t => t.ToString().Contains("class Fits"));
        var edited = output.ReplaceSyntaxTree(tree, tree.WithChangedText(
            Microsoft.CodeAnalysis.Text.SourceText.From(tree.ToString().Replace("\"8 GiB\"", "\"1 MiB\"", System.StringComparison.Ordinal))));
        Assert.Null(Take(edited, "Fits"));
        Assert.Null(Take(edited, "OverBudget")); // another file's edit may change how any model binds
        // The generator's output still says it fits; the analyzer sees the edit.
        Assert.Equal(2, TestCompilation.Analyze(edited).Count(d => d.Id == "TBG001"));
    }

    [Fact]
    public void A_user_file_added_after_generation_is_analyzed_afresh_and_generated_files_are_not()
    {
        var (_, output, _) = Build();
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var userFile = CSharpSyntaxTree.ParseText("namespace Models; class Extra { }", options, path: "Extra.cs");
        Assert.Null(Take(output.AddSyntaxTrees(userFile), "OverBudget"));
        var otherGenerator = CSharpSyntaxTree.ParseText("namespace Models; class Extra { }", options,
            path: System.IO.Path.Combine("Some.Generators", "Some.Generators.ExtraGenerator", "Extra.g.cs"));
        Assert.NotNull(Take(output.AddSyntaxTrees(otherGenerator), "OverBudget"));
    }

    [Fact]
    public void Other_references_or_options_are_analyzed_afresh()
    {
        var (_, output, _) = Build();
        var fewer = output.RemoveReferences(output.References.First());
        Assert.Null(Take(fewer, "OverBudget"));
        Assert.Null(Take(output.WithOptions(output.Options.WithOptimizationLevel(OptimizationLevel.Release)), "OverBudget"));
    }
}

using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using TorchBudget.Generator;
using Xunit;

namespace TorchBudget.Tests.Generator;

/// <summary>
/// The generator's model cache (Generator/Pipeline/ModelCache.cs): an edit inside a method body re-analyzes only the
/// models whose code it touches, and every other kind of edit re-analyzes all, so the output is always what a fresh
/// run would give.
/// </summary>
public class ModelCacheTests
{
    private const string Sizes = TestCompilation.Usings + """
        namespace Models;
        public static class Sizes
        {
            public static long Hidden() { return 16; }
            public static int Unused() { return 1; }
        }
        """;

    private const string Helpers = "namespace Models; public static class Helpers { public static int Answer() { return 1; } }";

    private static string Model(string name) => TestCompilation.Usings + $$"""
        namespace Models;
        [MemoryProfile(4)]
        public partial class {{name}} : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc;
            public {{name}}() : base("m") { fc = Linear(4, Sizes.Hidden()); RegisterComponents(); }
            public override Tensor forward(Tensor x) { return fc.forward(x); }
        }
        """;

    private const string Other = TestCompilation.Usings + """
        namespace Models;
        [MemoryProfile(4)]
        public partial class Other : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc = Linear(4, 2);
            public Other() : base("o") => RegisterComponents();
            public override Tensor forward(Tensor x) { return fc.forward(x); }
        }
        """;

    private static (Compilation, GeneratorDriver, MemoryProfileGenerator) Start()
    {
        var generator = new MemoryProfileGenerator();
        var compilation = TestCompilation.Create(Model("Net"), Other, Sizes, Helpers);
        GeneratorDriver driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(generator);
        driver = driver.RunGenerators(compilation);
        Assert.Equal(2, generator.Cache.Analyses);
        return (compilation, driver, generator);
    }

    private static Compilation Edit(Compilation compilation, int file, string from, string to)
    {
        var tree = compilation.SyntaxTrees.ElementAt(file);
        var text = tree.GetText();
        var at = text.ToString().IndexOf(from, System.StringComparison.Ordinal);
        Assert.True(at >= 0, from);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(text.WithChanges(new TextChange(new TextSpan(at, from.Length), to))));
    }

    private static string Generated(GeneratorDriver driver, string hint) =>
        driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName.Contains(hint)).SourceText.ToString();

    [Fact]
    public void A_body_edit_in_a_file_no_model_reads_analyzes_nothing_again()
    {
        var (compilation, driver, generator) = Start();
        driver = driver.RunGenerators(Edit(compilation, 3, "return 1;", "return 2;"));
        Assert.Equal(2, generator.Cache.Analyses);
        Assert.Contains("ParameterCount = 80L", Generated(driver, "Net")); // 4×16 + 16
    }

    /// <summary>Dependencies are whole files: an edit anywhere in a file a model's code was read from re-analyzes it.</summary>
    [Fact]
    public void A_body_edit_in_a_models_own_file_analyzes_that_model_only()
    {
        var (compilation, driver, generator) = Start();
        driver = driver.RunGenerators(Edit(compilation, 1, "return fc.forward(x);", "var y = fc.forward(x); return y;"));
        Assert.Equal(3, generator.Cache.Analyses);
    }

    [Fact]
    public void A_body_edit_in_a_helper_a_constructor_calls_updates_the_model()
    {
        var (compilation, driver, generator) = Start();
        driver = driver.RunGenerators(Edit(compilation, 2, "return 16;", "return 32;"));
        Assert.Equal(3, generator.Cache.Analyses); // Net reads Sizes.Hidden(); Other does not
        Assert.Contains("ParameterCount = 160L", Generated(driver, "Net")); // 4×32 + 32
    }

    [Fact]
    public void A_declaration_edit_anywhere_analyzes_every_model_again()
    {
        var (compilation, driver, generator) = Start();
        driver = driver.RunGenerators(Edit(compilation, 2, "public static int Unused()", "public static long Unused()"));
        Assert.Equal(4, generator.Cache.Analyses);
    }
}

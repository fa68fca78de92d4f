using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace TorchBudget.Tests.Generator;

/// <summary>
/// TBG001's fix writes the largest batch that fits. Its number is never copied here: the analyzer must accept the
/// fixed source and report TBG001 again at one more sample.
/// </summary>
public class CodeFixTests
{
    private static string Mlp(string name) => $$"""
        public partial class {{name}} : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> layers = Sequential(Flatten(), Linear(784, 128), ReLU(), Linear(128, 10));
            public {{name}}() : base("m") => RegisterComponents();
            public override Tensor forward(Tensor x) => layers.forward(x);
        }
        """;

    private static string Indented(string lines) => string.Concat(lines.Split('\n').Select(line => "    " + line + "\n"));

    private static string Budgeted(string name, string budget, string batchSize, bool marked = false)
    {
        var attribute = $"MemoryBudget(\"{budget}\", BatchSize = {batchSize})";
        return $"[MemoryProfile(1, 28, 28)]\n[{(marked ? "{|TBG001:" + attribute + "|}" : attribute)}]\n" + Mlp(name);
    }

    // 4 MiB leaves room for some hundreds of MNIST images beside the weights, gradients and Adam state, not for 4096.
    [Fact]
    public async Task Sets_BatchSize_to_the_largest_batch_that_fits()
    {
        var largest = CodeFixTest.LargestBatchThatFits(Budgeted("Mlp", "4 MiB", "4096"));
        Assert.InRange(largest, 1, 4095);

        await CodeFixTest.VerifyAsync(Budgeted("Mlp", "4 MiB", "4096", marked: true), Budgeted("Mlp", "4 MiB", $"{largest}"));
        await AnalyzerTest.VerifyAsync(Budgeted("Mlp", "4 MiB", $"{largest + 1}", marked: true));
    }

    // Adam's state alone (two copies of the 101,770 weights) is over 0.8 × 1 MiB: no batch size helps.
    [Fact]
    public async Task No_fix_when_not_even_one_sample_fits()
    {
        Assert.Equal(0, CodeFixTest.LargestBatchThatFits(Budgeted("Mlp", "1 MiB", "64")));
        await CodeFixTest.VerifyAsync(Budgeted("Mlp", "1 MiB", "64", marked: true), Budgeted("Mlp", "1 MiB", "64", marked: true));
    }

    // Fix All merges the fixes of two models in one file; an expression, not only a literal, is replaced.
    [Fact]
    public async Task Fix_all_sets_each_model_to_its_own_largest_batch()
    {
        var small = CodeFixTest.LargestBatchThatFits(Budgeted("Small", "4 MiB", "4096"));
        var large = CodeFixTest.LargestBatchThatFits(Budgeted("Large", "16 MiB", "16 * 1024"));
        Assert.True(small < large, $"A budget four times larger should fit more: {small} vs {large}.");

        await CodeFixTest.VerifyAsync(
            Budgeted("Small", "4 MiB", "4096", marked: true) + "\n" + Budgeted("Large", "16 MiB", "16 * 1024", marked: true),
            Budgeted("Small", "4 MiB", $"{small}") + "\n" + Budgeted("Large", "16 MiB", $"{large}"));
    }

    // The project's budget (SafetyFactor 0.8, as the attribute's default) becomes the model's own, at the batch that fits.
    [Fact]
    public async Task Adds_a_MemoryBudget_for_the_project_budget()
    {
        const string ProjectBudget = "is_global = true\nbuild_property.TorchBudgetMemoryBudget = 4MB\nbuild_property.TorchBudgetBatchSize = 4096\n";
        var largest = CodeFixTest.LargestBatchThatFits(Budgeted("Mlp", "4MB", "4096"));
        Assert.InRange(largest, 1, 4095);

        await CodeFixTest.VerifyAsync("[{|TBG001:MemoryProfile(1, 28, 28)|}]\n" + Mlp("Mlp"), Budgeted("Mlp", "4MB", $"{largest}"), ProjectBudget);
        // Indented, after a doc comment: the new attribute takes the line and indentation of [MemoryProfile].
        await CodeFixTest.VerifyAsync(
            "namespace Models\n{\n    /// <summary>An MLP.</summary>\n    [{|TBG001:MemoryProfile(1, 28, 28)|}]\n" + Indented(Mlp("Mlp")) + "}\n",
            "namespace Models\n{\n    /// <summary>An MLP.</summary>\n    [MemoryProfile(1, 28, 28)]\n"
                + "    [MemoryBudget(\"4MB\", BatchSize = " + largest + ")]\n" + Indented(Mlp("Mlp")) + "}\n",
            ProjectBudget);
        await AnalyzerTest.VerifyAsync(Budgeted("Mlp", "4MB", $"{largest + 1}", marked: true), ProjectBudget);
    }

    // The compiler loads the analyzers and the generator (one assembly) without Roslyn's Workspaces; only the code
    // fixes may use it.
    [Fact]
    public void Compiler_loaded_assembly_does_not_reference_Workspaces() =>
        Assert.DoesNotContain(typeof(TorchBudget.Analyzers.MemoryProfileAnalyzer).Assembly.GetReferencedAssemblies(),
            name => name.Name!.StartsWith("Microsoft.CodeAnalysis.Workspaces", System.StringComparison.Ordinal)
                || name.Name == "Microsoft.CodeAnalysis.CSharp.Workspaces");
}

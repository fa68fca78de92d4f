using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TorchBudget.Generator;
using Xunit;

namespace TorchBudget.Tests.Generator;

/// <summary>The generator runs on every keystroke: unrelated edits must reuse every cached step.</summary>
public class IncrementalityTests
{
    private const string Model = TestCompilation.Usings + """
        namespace Models;
        [MemoryProfile(784)]
        public partial class Mlp : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc1 = Linear(784, 128), fc2 = Linear(128, 10);
            public Mlp() : base("mlp") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc2.forward(fc1.forward(x));
        }
        """;

    private static readonly string[] TrackedSteps = { TrackingNames.Models, TrackingNames.Emittable };

    private static GeneratorDriver Driver() => CSharpGeneratorDriver.Create(
        new[] { new MemoryProfileGenerator().AsSourceGenerator() },
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    [Fact]
    public void An_edit_in_an_unrelated_file_leaves_every_step_cached_or_unchanged()
    {
        var compilation = TestCompilation.Create(Model, "namespace Other; public class Helper { public int Value => 1; }");
        var driver = Driver().RunGenerators(compilation);

        var unrelated = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(unrelated, unrelated.WithChangedText(unrelated.GetText().Replace(0, 0, "// an edit\n")));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var step in TrackedSteps)
        {
            var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs,
                o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {o.Reason}"));
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void A_size_change_in_the_model_recomputes_it()
    {
        var compilation = TestCompilation.Create(Model);
        var driver = Driver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(tree,
            CSharpSyntaxTree.ParseText(Model.Replace("Linear(784, 128)", "Linear(784, 256)"), (CSharpParseOptions)tree.Options, tree.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[TrackingNames.Models].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("ParameterCount = 202250L", result.GeneratedSources.Single().SourceText.ToString()); // 784×256+256 + 128×10+10
    }

    /// <summary>A model's numbers depend on the submodules it builds, wherever they are declared.</summary>
    [Fact]
    public void Editing_a_submodule_in_another_file_updates_the_model()
    {
        const string model = TestCompilation.Usings + """
            namespace Models;
            [MemoryProfile(16)]
            public partial class Net : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> block = new Block();
                public Net() : base("net") => RegisterComponents();
                public override Tensor forward(Tensor x) => block.forward(x);
            }
            """;
        const string block = TestCompilation.Usings + """
            namespace Models;
            public class Block : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> fc = Linear(16, 16);
                public Block() : base("block") => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.forward(x);
            }
            """;
        var compilation = TestCompilation.Create(model, block);
        var driver = Driver().RunGenerators(compilation);
        Assert.Contains("ParameterCount = 272L", driver.GetRunResult().GeneratedTrees.Single().ToString()); // 16×16 + 16

        var blockTree = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(blockTree,
            CSharpSyntaxTree.ParseText(block.Replace("Linear(16, 16)", "Linear(16, 32)"), (CSharpParseOptions)blockTree.Options, blockTree.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult();
        Assert.Contains("ParameterCount = 544L", result.GeneratedTrees.Single().ToString()); // 16×32 + 32
    }

    [Fact]
    public void Same_input_gives_byte_identical_output()
    {
        var first = TestCompilation.Generate(TestCompilation.Create(Model)).Generated.Single();
        var second = TestCompilation.Generate(TestCompilation.Create(Model)).Generated.Single();
        Assert.Equal(first, second);
    }
}

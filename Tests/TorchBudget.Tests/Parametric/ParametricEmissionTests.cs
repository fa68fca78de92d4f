using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using TorchBudget.Tests.Generator;
using TorchSharp;
using Xunit;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Parametric;

/// <summary>
/// How the parametric formulas treat the constructor's decisions, compiled and called: a branch on a size is a guard
/// (the other side throws), a use the analysis does not follow pins the size, and the other sizes stay free. Expected
/// counts come from the compiled model itself, built by TorchSharp at the same sizes.
/// </summary>
public sealed class ParametricEmissionTests
{
    private const string Branching = TestCompilation.Usings + """
        [MemoryProfile(16, Arguments = new object[] { 16, 32 })]
        public partial class Branching : Module<Tensor, Tensor>
        {
            private readonly Linear first;
            private readonly Linear? extra;

            public Branching(int inputs, int hidden) : base(nameof(Branching))
            {
                first = Linear(inputs, hidden);
                if (hidden > 64) extra = Linear(hidden, hidden);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => first.forward(x);
        }
        """;

    private const string Pinned = TestCompilation.Usings + """
        [MemoryProfile(16, Arguments = new object[] { 16, 32 })]
        public partial class Pinned : Module<Tensor, Tensor>
        {
            private readonly Linear first;

            public Pinned(int inputs, int hidden) : base(nameof(Pinned))
            {
                first = Linear(inputs, System.Math.Max(hidden, 8));
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => first.forward(x);
        }
        """;

    private const string Deep = TestCompilation.Usings + """
        [MemoryProfile(8, Arguments = new object[] { 8, 24 })]
        public partial class Deep : Module<Tensor, Tensor>
        {
            private readonly ModuleList<Module<Tensor, Tensor>> layers = new ModuleList<Module<Tensor, Tensor>>();

            public Deep(int width, int depth) : base(nameof(Deep))
            {
                for (var i = 0; i < depth; i++) layers.Add(Linear(width, width));
                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                foreach (var layer in layers) x = layer.call(x);
                return x;
            }
        }
        """;

    [Fact]
    public void A_branch_on_a_size_holds_on_its_side_only()
    {
        var model = Compiled(Branching, "Branching");
        Assert.Equal(model.Real(16, 48), model.ParameterCountFor(16, 48));
        Assert.Equal(model.Real(20, 64), model.ParameterCountFor(20, 64));
        // hidden > 64 takes the other branch, which the analysis did not follow: no count rather than a wrong one.
        Assert.IsType<ArgumentOutOfRangeException>(Assert.Throws<TargetInvocationException>(() => model.ParameterCountFor(16, 65)).InnerException);
    }

    [Fact]
    public void A_use_the_analysis_does_not_follow_pins_that_size_only()
    {
        var model = Compiled(Pinned, "Pinned");
        Assert.Equal(model.Real(16, 32), model.ParameterCountFor(16, 32));
        Assert.Equal(model.Real(40, 32), model.ParameterCountFor(40, 32));
        // A pinned size is also tried near its profiled value (28 … 36) and at 1 … 16, each a path of its own; 40 is on none.
        Assert.Equal(model.Real(16, 33), model.ParameterCountFor(16, 33));
        Assert.IsType<ArgumentOutOfRangeException>(Assert.Throws<TargetInvocationException>(() => model.ParameterCountFor(16, 40)).InnerException);
    }

    /// <summary>A depth profiled at 24 is also followed at 20 … 28 and at 1 … 16, each with the width free.</summary>
    [Fact]
    public void A_deep_profile_is_followed_around_its_depth_and_at_small_depths()
    {
        var model = Compiled(Deep, "Deep");
        foreach (var (width, depth) in new[] { (8, 24), (5, 20), (12, 28), (3, 1), (64, 16) })
            Assert.Equal(model.Real(width, depth), model.ParameterCountFor(width, depth));
        foreach (var depth in new[] { 17, 19, 29 })
            Assert.IsType<ArgumentOutOfRangeException>(
                Assert.Throws<TargetInvocationException>(() => model.ParameterCountFor(8, depth)).InnerException);
    }

    [Fact]
    public void A_class_that_already_declares_the_name_gets_a_note_instead()
    {
        var source = Pinned.Replace("public override Tensor forward",
            "public static long ParameterCountFor(int x) => x;\n    public override Tensor forward");
        var (output, generated, diagnostics) = TestCompilation.Generate(TestCompilation.Create(source));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains("already declares a member named ParameterCountFor", generated.Single());
        Assert.DoesNotContain("MemoryReport MemoryReportFor(", generated.Single());
        _ = output;
    }

    [Fact]
    public void A_constructor_without_sizes_gets_no_formulas()
    {
        var source = Pinned.Replace(", Arguments = new object[] { 16, 32 }", "")
            .Replace("(int inputs, int hidden)", "()")
            .Replace("Linear(inputs, System.Math.Max(hidden, 8))", "Linear(16, 32)");
        var (_, generated, diagnostics) = TestCompilation.Generate(TestCompilation.Create(source));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.DoesNotContain("ParameterCountFor", generated.Single());
    }

    /// <summary>A generated model compiled and loaded: its ParameterCountFor, and the real module's parameters() at the same sizes.</summary>
    private sealed record CompiledModel(Type Type)
    {
        public long ParameterCountFor(int a, int b) =>
            (long)Type.GetMethod("ParameterCountFor", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, new object[] { a, b })!;

        public long Real(int a, int b)
        {
            using var module = (Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>)Activator.CreateInstance(Type, a, b)!;
            return module.parameters().Sum(p => p.numel());
        }
    }

    private static CompiledModel Compiled(string source, string type)
    {
        var (output, _, diagnostics) = TestCompilation.Generate(TestCompilation.Create(source));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return new CompiledModel(Assembly.Load(image.ToArray()).GetType(type)!);
    }
}

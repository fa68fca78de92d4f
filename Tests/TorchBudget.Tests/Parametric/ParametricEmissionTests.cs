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
/// counts come from real TorchSharp layers of the same sizes.
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

    [Fact]
    public void A_branch_on_a_size_holds_on_its_side_only()
    {
        var count = Method(Branching, "Branching", "ParameterCountFor");
        Assert.Equal(Real(Linear(16, 48)), count(16, 48));
        Assert.Equal(Real(Linear(20, 64)), count(20, 64));
        // hidden > 64 takes the other branch, which the analysis did not follow: no count rather than a wrong one.
        Assert.IsType<ArgumentOutOfRangeException>(Assert.Throws<TargetInvocationException>(() => count(16, 65)).InnerException);
    }

    [Fact]
    public void A_use_the_analysis_does_not_follow_pins_that_size_only()
    {
        var count = Method(Pinned, "Pinned", "ParameterCountFor");
        Assert.Equal(Real(Linear(16, 32)), count(16, 32));
        Assert.Equal(Real(Linear(40, 32)), count(40, 32));
        Assert.IsType<ArgumentOutOfRangeException>(Assert.Throws<TargetInvocationException>(() => count(16, 33)).InnerException);
    }

    [Fact]
    public void A_class_that_already_declares_the_name_gets_a_note_instead()
    {
        var source = Pinned.Replace("public override Tensor forward", "public static long ParameterCountFor(int x) => x;\n    public override Tensor forward");
        var (output, generated, diagnostics) = TestCompilation.Generate(TestCompilation.Create(source));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains("already declares a member named ParameterCountFor", generated.Single());
        Assert.DoesNotContain("MemoryReport MemoryReportFor(", generated.Single());
        _ = output;
    }

    [Fact]
    public void A_constructor_without_sizes_gets_no_formulas()
    {
        var source = Pinned.Replace(", Arguments = new object[] { 16, 32 }", "").Replace("(int inputs, int hidden)", "()").Replace("Linear(inputs, System.Math.Max(hidden, 8))", "Linear(16, 32)");
        var (_, generated, diagnostics) = TestCompilation.Generate(TestCompilation.Create(source));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.DoesNotContain("ParameterCountFor", generated.Single());
    }

    private static long Real(Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> layer)
    {
        using (layer) return layer.parameters().Sum(p => p.numel());
    }

    /// <summary>Generates, compiles and loads the model; returns its static method as a function of int sizes.</summary>
    private static Func<int, int, long> Method(string source, string type, string name)
    {
        var (output, _, diagnostics) = TestCompilation.Generate(TestCompilation.Create(source));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var method = Assembly.Load(image.ToArray()).GetType(type)!.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!;
        return (a, b) => (long)method.Invoke(null, new object[] { a, b })!;
    }
}

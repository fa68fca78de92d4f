using System.Linq;
using Microsoft.CodeAnalysis;
// The cases reference System.Linq in their sources.
using Xunit;

namespace TorchBudget.Tests.Generator;

/// <summary>Odd or broken code gets diagnostics, never a crash of the generator or analyzer.</summary>
public class OddInputTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "syntax error in the constructor", "[MemoryProfile(10)] public partial class M : Module<Tensor, Tensor> { "
            + "Module<Tensor, Tensor> fc = Linear(10, ; public M() : base(\"m\") => RegisterComponents(); "
            + "public override Tensor forward(Tensor x) => x; }" },
        { "negative size", "[MemoryProfile(10)] public partial class M : Module<Tensor, Tensor> { Module<Tensor, Tensor> fc = Linear(-10, 5); "
            + "public M() : base(\"m\") => RegisterComponents(); public override Tensor forward(Tensor x) => x; }" },
        { "huge loop", "[MemoryProfile(10)] public partial class M : Module<Tensor, Tensor> { Module<Tensor, Tensor> s; public M() : base(\"m\") { "
            + "var l = new List<Module<Tensor, Tensor>>(); for (long i = 0; i < long.MaxValue; i++) l.Add(ReLU()); s = Sequential(l); "
            + "RegisterComponents(); } public override Tensor forward(Tensor x) => x; }" },
        { "infinite recursion in a helper", "[MemoryProfile(10)] public partial class M : Module<Tensor, Tensor> { Module<Tensor, Tensor> fc; "
            + "static long Size(long n) => Size(n + 1); public M() : base(\"m\") { fc = Linear(Size(1), 2); RegisterComponents(); } "
            + "public override Tensor forward(Tensor x) => x; }" },
        { "generic module", "[MemoryProfile(10)] public partial class M<T> : Module<Tensor, Tensor> { "
            + "public M() : base(\"m\") => RegisterComponents(); public override Tensor forward(Tensor x) => x; }" },
        { "garbage attribute arguments", "[MemoryProfile(0, -3, BatchSizes = new long[0], Arguments = new object[] { null, 1.5, \"x\" })] "
            + "public partial class M : Module<Tensor, Tensor> { public M() : base(\"m\") => RegisterComponents(); "
            + "public override Tensor forward(Tensor x) => x; }" },
        { "nested partial class in a file-scoped namespace", "namespace A.B; public static partial class Outer { [MemoryProfile(4)] "
            + "public partial class M : Module<Tensor, Tensor> { Module<Tensor, Tensor> fc = Linear(4, 4); "
            + "public M() : base(\"m\") => RegisterComponents(); public override Tensor forward(Tensor x) => fc.forward(x); } }" },
        { "forward calls itself", "[MemoryProfile(4)] public partial class M : Module<Tensor, Tensor> { Module<Tensor, Tensor> fc = Linear(4, 4); "
            + "public M() : base(\"m\") => RegisterComponents(); public override Tensor forward(Tensor x) => forward(fc.forward(x)); }" },
        { "forward loops forever", "[MemoryProfile(4)] public partial class M : Module<Tensor, Tensor> { Module<Tensor, Tensor> fc = Linear(4, 4); "
            + "public M() : base(\"m\") => RegisterComponents(); public override Tensor forward(Tensor x) { while (true) x = fc.forward(x); } }" },
        { "two -1 in a view", "[MemoryProfile(4)] public partial class M : Module<Tensor, Tensor> { Module<Tensor, Tensor> fc = Linear(4, 4); "
            + "public M() : base(\"m\") => RegisterComponents(); public override Tensor forward(Tensor x) => fc.forward(x).view(-1, -1); }" },
        { "index out of range and odd tensor calls", "[MemoryProfile(4)] public partial class M : Module<Tensor, Tensor> { "
            + "Module<Tensor, Tensor> fc = Linear(4, 4); public M() : base(\"m\") => RegisterComponents(); "
            + "public override Tensor forward(Tensor x) { var y = fc.forward(x)[TensorIndex.Colon, 9]; var z = torch.cat(new Tensor[0], 0); "
            + "return y.T.T.mean().unsqueeze(99) + z; } }" },
        { "forward with try, using and LINQ", "[MemoryProfile(4)] public partial class M : Module<Tensor, Tensor> { "
            + "Module<Tensor, Tensor> fc = Linear(4, 4); public M() : base(\"m\") => RegisterComponents(); "
            + "public override Tensor forward(Tensor x) { try { using var s = torch.NewDisposeScope(); "
            + "return new[] { x }.Select(t => fc.forward(t)).First().MoveToOuterDisposeScope(); } catch (Exception) { return x; } } }" },
        { "null field and a throw", "[MemoryProfile(4)] public partial class M : Module<Tensor, Tensor> { Module<Tensor, Tensor>? fc = null; "
            + "public M(long n = 0) : base(\"m\") { if (n == 0) throw new ArgumentException(); RegisterComponents(); } "
            + "public override Tensor forward(Tensor x) => x; }" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Never_crashes_and_gives_a_count_or_a_diagnostic(string description, string body)
    {
        var compilation = TestCompilation.Create(TestCompilation.Usings + body);
        var (output, generated, generatorDiagnostics) = TestCompilation.Generate(compilation);
        var analyzerDiagnostics = TestCompilation.Analyze(output);

        Assert.DoesNotContain(generatorDiagnostics, d => d.Id is "CS8784" or "CS8785");
        Assert.DoesNotContain(analyzerDiagnostics, d => d.Id is "AD0001" or "TBG900");
        var complete = generated.Any(g => g.Contains("IsComplete = true"));
        Assert.True(complete || analyzerDiagnostics.Any(d => d.Id is "TBG003" or "TBG004" or "TBG005" or "TBG006" or "TBG009"),
            $"{description}: neither a complete report nor a diagnostic. Diagnostics: {string.Join("; ", analyzerDiagnostics)}");
    }
}

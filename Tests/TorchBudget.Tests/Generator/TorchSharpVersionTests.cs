using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace TorchBudget.Tests.Generator;

/// <summary>
/// Every memory rule was measured on TorchSharp 0.107. Against another TorchSharp (here a stand-in assembly that says
/// it is 0.108 and declares the few types the model uses) the counts stay, the memory rows go, and TBG010 says why.
/// </summary>
public class TorchSharpVersionTests
{
    private const string Model = """
        [MemoryProfile(784)]
        public partial class Mlp : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc1 = Linear(784, 128), relu = ReLU(), fc2 = Linear(128, 10);
            public Mlp() : base(nameof(Mlp)) => RegisterComponents();
            public override Tensor forward(Tensor x) => fc2.forward(relu.forward(fc1.forward(x)));
        }
        """;

    [Fact]
    public void Another_TorchSharp_keeps_the_counts_and_leaves_the_memory_unknown_with_TBG010()
    {
        var references = TestCompilation.References.Where(r => !IsTorchSharp(r)).Append(FutureTorchSharp()).ToList();
        var compilation = TestCompilation.Create(references, TestCompilation.Usings + Model);

        var (output, generated, _) = TestCompilation.Generate(compilation);
        var diagnostics = TestCompilation.Analyze(output);

        var text = Assert.Single(generated);
        Assert.Contains("public const long ParameterCount = 101770L;", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Memory = new", text, StringComparison.Ordinal);
        Assert.Contains("IsComplete = false", text, StringComparison.Ordinal);
        var warning = Assert.Single(diagnostics, d => d.Id == "TBG010");
        Assert.Contains("references TorchSharp 0.108.0, and TorchBudget's memory rules were measured on TorchSharp 0.107", warning.GetMessage(),
            StringComparison.Ordinal);
    }

    /// <summary>A budget it cannot check says why (the version), not only that the peak is unknown.</summary>
    [Fact]
    public void A_budget_under_another_TorchSharp_says_it_cannot_be_checked_because_of_the_version()
    {
        var references = TestCompilation.References.Where(r => !IsTorchSharp(r)).Append(FutureTorchSharp()).ToList();
        var budgeted = Model.Replace("[MemoryProfile(784)]", "[MemoryProfile(784)]\n[MemoryBudget(\"1 GiB\", BatchSize = 64)]",
            StringComparison.Ordinal);
        var (output, _, _) = TestCompilation.Generate(TestCompilation.Create(references, TestCompilation.Usings + budgeted));

        var cannot = Assert.Single(TestCompilation.Analyze(output), d => d.Id == "TBG004");
        Assert.Contains("the memory budget cannot be checked: Memory unknown: the project references TorchSharp 0.108.0", cannot.GetMessage(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void TorchSharp_0_107_gets_its_memory_table_and_no_TBG010()
    {
        var (output, generated, _) = TestCompilation.Generate(TestCompilation.Create(TestCompilation.Usings + Model));

        Assert.Contains("Memory = new", Assert.Single(generated), StringComparison.Ordinal);
        Assert.DoesNotContain(TestCompilation.Analyze(output), d => d.Id == "TBG010");
    }

    private static bool IsTorchSharp(MetadataReference reference) =>
        reference is PortableExecutableReference { FilePath: { } path } && Path.GetFileName(path) == "TorchSharp.dll";

    /// <summary>A "TorchSharp" 0.108 with the members the model and the attribute use.</summary>
    private static MetadataReference FutureTorchSharp()
    {
        const string source = """
            [assembly: System.Reflection.AssemblyVersion("0.108.0.0")]
            namespace TorchSharp
            {
                public static partial class torch
                {
                    public enum ScalarType : sbyte { Byte = 0, Int8 = 1, Int16 = 2, Int32 = 3, Int64 = 4, Float16 = 5, Float32 = 6, Float64 = 7,
                        Bool = 11, BFloat16 = 15 }
                    public class Tensor { }
                    public static partial class nn
                    {
                        public abstract class Module : System.IDisposable
                        {
                            protected Module(string name) { }
                            public void Dispose() { }
                            protected void RegisterComponents() { }
                        }
                        public abstract class Module<T, TResult> : Module
                        {
                            protected Module(string name) : base(name) { }
                            public abstract TResult forward(T input);
                            public TResult call(T input) => forward(input);
                        }
                        public static Modules.Linear Linear(long inputSize, long outputSize, bool hasBias = true) => new();
                        public static Modules.ReLU ReLU(bool inplace = false) => new();
                    }
                }
            }
            namespace TorchSharp.Modules
            {
                public sealed class Parameter : torch.Tensor { }
                public sealed class Linear : torch.nn.Module<torch.Tensor, torch.Tensor>
                {
                    public Linear() : base("Linear") { }
                    public override torch.Tensor forward(torch.Tensor input) => input;
                }
                public sealed class ReLU : torch.nn.Module<torch.Tensor, torch.Tensor>
                {
                    public ReLU() : base("ReLU") { }
                    public override torch.Tensor forward(torch.Tensor input) => input;
                }
            }
            """;
        var platform = TestCompilation.References.Where(r => !IsTorchSharp(r)
            && !(r is PortableExecutableReference { FilePath: { } p } && p.Contains("TorchBudget", StringComparison.Ordinal)));
        var library = CSharpCompilation.Create("TorchSharp", new[] { CSharpSyntaxTree.ParseText(source) }, platform,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var image = new MemoryStream();
        var emitted = library.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return MetadataReference.CreateFromImage(image.ToArray());
    }
}

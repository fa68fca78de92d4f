using System.Linq;
using Xunit;

namespace TorchBudget.Tests.Generator;

/// <summary>
/// TBG007 says a module's fields are not registered only where TorchSharp 0.107 leaves them out (measured with a probe):
/// a module that never calls RegisterComponents() registers nothing as the root or inside a Sequential, but held in a
/// field of a parent that calls it, the parent's registration registers its fields too (Parent: 23 parameters).
/// </summary>
public sealed class UnregisteredFieldsTests
{
    private const string Child = """
        public class Child : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc = Linear(4, 3);
            public Child() : base("child") { }
            public override Tensor forward(Tensor x) => fc.forward(x);
        }

        """;

    [Theory]
    [InlineData("private readonly Child child = new();", "head.forward(child.forward(x))", 23L, false)]
    [InlineData("private readonly Module<Tensor, Tensor> child = Sequential(new Child());", "head.forward(child.forward(x))", 8L, true)]
    public void Tbg007_only_where_TorchSharp_leaves_the_fields_out(string field, string forward, long parameters, bool warned)
    {
        var compilation = TestCompilation.Create(TestCompilation.Usings + Child + $$"""
            [MemoryProfile(4)]
            public partial class Parent : Module<Tensor, Tensor>
            {
                {{field}}
                private readonly Module<Tensor, Tensor> head = Linear(3, 2);
                public Parent() : base("parent") => RegisterComponents();
                public override Tensor forward(Tensor x) => {{forward}};
            }
            """);
        var (output, generated, _) = TestCompilation.Generate(compilation);
        var diagnostics = TestCompilation.Analyze(output);

        Assert.Contains($"public const long ParameterCount = {parameters}L;", generated.Single());
        Assert.Equal(warned, diagnostics.Any(d => d.Id == "TBG007"));
        if (warned)
            Assert.Contains("'Child' never calls RegisterComponents()", diagnostics.Single(d => d.Id == "TBG007").GetMessage());
    }
}

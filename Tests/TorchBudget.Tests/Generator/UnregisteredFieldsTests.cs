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

/// <summary>
/// TBG013 points at the field that hides layers from registration and says how many elements it holds; the reports
/// show the Unregistered column only for such a model, with the bytes of its tensors and of their gradients.
/// </summary>
public sealed class TensorsOutsideRegistrationTests
{
    [Fact]
    public void The_warning_names_the_field_and_the_reports_show_the_row()
    {
        var compilation = TestCompilation.Create(TestCompilation.Usings + """
            [MemoryProfile(16)]
            public partial class Stack : Module<Tensor, Tensor>
            {
                private readonly Linear input = Linear(16, 8);
                private readonly List<Linear> hidden = new() { Linear(8, 8), Linear(8, 8) };
                public Stack() : base("stack") => RegisterComponents();
                public override Tensor forward(Tensor x)
                {
                    x = input.forward(x);
                    foreach (var layer in hidden) x = layer.forward(x);
                    return x;
                }
            }
            """);
        var (output, _, _) = TestCompilation.Generate(compilation);
        var warning = TestCompilation.Analyze(output).Single(d => d.Id == "TBG013");

        // The hidden field's line (0-based, after the usings).
        Assert.Equal(4, warning.Location.GetLineSpan().StartLinePosition.Line - TestCompilation.Usings.Count(c => c == '\n'));
        Assert.StartsWith("'Stack' keeps layers or tensors in 'hidden' (144 elements) where RegisterComponents() does not look",
            warning.GetMessage());
        using var image = new System.IO.MemoryStream();
        Assert.True(output.Emit(image).Success);
        var type = System.Reflection.Assembly.Load(image.ToArray()).GetTypes().Single(t => t.Name == "Stack");
        var report = (MemoryReport)type.GetProperty("MemoryReport")!.GetValue(null)!;
        // Two Linear(8, 8): 144 Float32 elements, 576 bytes, and as many of gradients.
        Assert.Equal(1152, report.Memory!.UnregisteredBytes);
        Assert.Equal(1152, report.ForBatch(4).Unregistered);
        Assert.Contains("| Optimizer state | Unregistered | Input |", report.ToMarkdown());
        Assert.Contains("data-row=\"unregistered\" data-bytes=\"1152\"", report.ToHtml(1L << 30));
    }
}

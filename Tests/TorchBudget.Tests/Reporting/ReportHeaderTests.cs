using System.IO;
using System.Linq;
using System.Reflection;
using TorchBudget.Tests.Generator;
using Xunit;

namespace TorchBudget.Tests.Reporting;

/// <summary>The Markdown and HTML reports state every input forward takes and whom the optimizer is given.</summary>
public sealed class ReportHeaderTests
{
    [Fact]
    public void Several_inputs_and_a_trainable_only_optimizer_are_stated()
    {
        var compilation = TestCompilation.Create(TestCompilation.Usings + """
            [MemoryProfile(12, InputDType = ScalarType.Int64, OptimizerParameters = OptimizerParameters.Trainable)]
            [MemoryInput(1, 12)]
            public partial class Masked : Module<Tensor, Tensor, Tensor>
            {
                private readonly Embedding embed = Embedding(100, 16);
                private readonly Linear head = Linear(16, 3);
                public Masked() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor tokens, Tensor mask) => head.forward((embed.forward(tokens) * mask.unsqueeze(-1)).sum(1));
            }
            """);
        var (output, _, _) = TestCompilation.Generate(compilation);
        using var image = new MemoryStream();
        Assert.True(output.Emit(image).Success);
        var type = Assembly.Load(image.ToArray()).GetTypes().Single(t => t.Name == "Masked");
        var report = (MemoryReport)type.GetProperty("MemoryReport", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

        Assert.Equal(new[] { 0, 1 }, report.Inputs.Select(i => i.Position));
        Assert.Contains("Input [12] Int64 + [12] Float32, parameters Float32, optimizer Adam on trainable parameters only", report.ToMarkdown());
        var html = report.ToHtml(1L << 30);
        Assert.Contains("One sample: [12] Int64 + [12] Float32", html);
        Assert.Contains("optimizer Adam on trainable parameters only", html);
    }
}

using System.Linq;
using TorchBudget.Tests.Generator;
using Xunit;

namespace TorchBudget.Tests.Corpus;

/// <summary>A Factory the analysis cannot run is a TBG005 that says why; a good one replaces the constructor.</summary>
public sealed class FactoryDiagnosticTests
{
    [Theory]
    [InlineData("Factory = \"Missing\"", "Factory 'Missing' is not a static parameterless method of 'Built' in source that returns a module")]
    [InlineData("Factory = nameof(WithArgument)", "Factory 'WithArgument' is not a static parameterless method")]
    [InlineData("Factory = nameof(Create), Arguments = new object[] { 3 }", "give either Arguments or a Factory, not both")]
    [InlineData("Factory = \"\"", "Factory must name a static parameterless method")]
    public void A_factory_that_cannot_be_run_is_TBG005(string setting, string expected)
    {
        var compilation = TestCompilation.Create(TestCompilation.Usings + $$"""
            [MemoryProfile(4, {{setting}})]
            public partial class Built : Module<Tensor, Tensor>
            {
                private readonly Linear fc;
                private Built(long width) : base("m") { fc = Linear(4, width); RegisterComponents(); }
                public static Built Create() => new(3);
                public static Built WithArgument(long width) => new(width);
                public override Tensor forward(Tensor x) => fc.forward(x);
            }
            """);
        var diagnostics = TestCompilation.Analyze(TestCompilation.Generate(compilation).Output);

        var reported = Assert.Single(diagnostics, d => d.Id.StartsWith("TBG", System.StringComparison.Ordinal));
        Assert.Equal("TBG005", reported.Id);
        Assert.Contains(expected, reported.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_factory_builds_the_profiled_model_and_says_why_there_are_no_formulas()
    {
        var compilation = TestCompilation.Create(TestCompilation.Usings + """
            [MemoryProfile(4, Factory = nameof(Create))]
            public partial class Built : Module<Tensor, Tensor>
            {
                private readonly Linear fc;
                private Built(long width) : base("m") { fc = Linear(4, width); RegisterComponents(); }
                public static Built Create() => new(3);
                public override Tensor forward(Tensor x) => fc.forward(x);
            }
            """);
        var (output, generated, _) = TestCompilation.Generate(compilation);

        Assert.DoesNotContain(TestCompilation.Analyze(output), d => d.Id.StartsWith("TBG", System.StringComparison.Ordinal));
        Assert.Contains("public const long ParameterCount = 15L;", generated.Single());
        Assert.Contains("built by its Factory 'Create'", generated.Single());
    }
}

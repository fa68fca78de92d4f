using System.Linq;
using TorchBudget.Tests.Generator;
using Xunit;

namespace TorchBudget.Tests.Inputs;

/// <summary>Every way [MemoryInput] and ForwardArguments can fail to describe forward gets a TBG005 that says which.</summary>
public sealed class ForwardArgumentDiagnosticTests
{
    [Theory]
    [InlineData("", "Module<Tensor, Tensor, Tensor>", "Tensor x, Tensor mask",
        "forward's parameter 'mask' (position 1) is a Tensor: declare it with [MemoryInput(1, ...)]")]
    [InlineData("[MemoryInput(0, 4)]", "Module<Tensor, Tensor, Tensor>", "Tensor x, Tensor mask",
        "position 0 is [MemoryProfile]'s input; further inputs start at 1")]
    [InlineData("[MemoryInput(1, 4)][MemoryInput(1, 4)]", "Module<Tensor, Tensor, Tensor>", "Tensor x, Tensor mask", "position 1 is declared twice")]
    [InlineData("[MemoryInput(1, 0)]", "Module<Tensor, Tensor, Tensor>", "Tensor x, Tensor mask", "shape dimensions must be positive")]
    [InlineData("[MemoryInput(2, 4)]", "Module<Tensor, Tensor, Tensor>", "Tensor x, Tensor mask",
        "[MemoryInput] position 2 is beyond forward's 2 parameter(s)")]
    [InlineData("[MemoryInput(1, 4)]", "Module<Tensor, long, Tensor>", "Tensor x, long steps",
        "[MemoryInput] position 1: forward's parameter 'steps' is a long, not a Tensor")]
    [InlineData("", "Module<Tensor, long, Tensor>", "Tensor x, long steps",
        "forward's parameter 'steps' (position 1) has no default: give it in ForwardArguments")]
    public void Each_misfit_is_a_TBG005_that_says_which(string inputs, string baseType, string parameters, string expected)
    {
        var compilation = TestCompilation.Create(TestCompilation.Usings + $$"""
            [MemoryProfile(4)]
            {{inputs}}
            public partial class Misfit : {{baseType}}
            {
                private readonly Linear fc = Linear(4, 3);
                public Misfit() : base("m") => RegisterComponents();
                public override Tensor forward({{parameters}}) => fc.forward(x);
            }
            """);
        var diagnostics = TestCompilation.Analyze(TestCompilation.Generate(compilation).Output);

        var reported = Assert.Single(diagnostics, d => d.Id.StartsWith("TBG", System.StringComparison.Ordinal));
        Assert.Equal("TBG005", reported.Id);
        Assert.Contains(expected, reported.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_at_a_tensor_position_and_too_many_values_are_TBG005()
    {
        var compilation = TestCompilation.Create(TestCompilation.Usings + """
            [MemoryProfile(4, ForwardArguments = new object[] { null, 3 })]
            [MemoryInput(1, 4)]
            public partial class ValueForTensor : Module<Tensor, Tensor, Tensor>
            {
                public ValueForTensor() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x, Tensor y) => x + y;
            }

            [MemoryProfile(4, ForwardArguments = new object[] { null, 3, 4 })]
            public partial class TooMany : Module<Tensor, long, Tensor>
            {
                public TooMany() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x, long steps) => x;
            }
            """);
        var messages = TestCompilation.Analyze(TestCompilation.Generate(compilation).Output)
            .Where(d => d.Id == "TBG005").Select(d => d.GetMessage()).ToList();

        Assert.Equal(2, messages.Count);
        Assert.Contains(messages, m => m.Contains("ForwardArguments gives a value at position 1, a Tensor parameter",
            System.StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("ForwardArguments has 3 values but forward takes 2 argument(s)", System.StringComparison.Ordinal));
    }
}

using System;
using System.IO;
using System.Linq;
using System.Reflection;
using TorchBudget.Tests.Generator;
using Xunit;

namespace TorchBudget.Tests.Inputs;

/// <summary>
/// SequenceDimensions that do not describe the input get a TBG005 that says why; a model whose forward the analysis
/// cannot follow in T keeps its profiled table and says, through the report, that other lengths are unknown.
/// </summary>
public sealed class SequenceDimensionDiagnosticTests
{
    [Theory]
    [InlineData("[MemoryProfile(4, 6, SequenceDimensions = new[] { 2 })]",
        "SequenceDimensions names dimension 2, but one sample's shape (4, 6) has 2")]
    [InlineData("[MemoryProfile(4, 6, SequenceDimensions = new[] { 0, 1 })]", "the sequence dimensions must have one length, got (4, 6)")]
    [InlineData("[MemoryProfile(4, 6, SequenceDimensions = new[] { 1, 1 })]", "SequenceDimensions names a dimension twice")]
    [InlineData("[MemoryProfile(4, 6, SequenceDimensions = new int[0])]", "SequenceDimensions must be a non-empty list")]
    [InlineData("[MemoryProfile(4, 6, SequenceDimensions = new[] { -1 })]", "SequenceDimensions names dimension -1")]
    [InlineData("[MemoryProfile(4, 6, SequenceDimensions = new[] { 0 })][MemoryInput(1, 6, 6, SequenceDimensions = new[] { 0, 1 })]",
        "the inputs' sequence dimensions must have one length")]
    public void Each_misfit_is_a_TBG005_that_says_which(string attributes, string expected)
    {
        var compilation = TestCompilation.Create(TestCompilation.Usings + $$"""
            {{attributes}}
            public partial class Misfit : Module<Tensor, Tensor, Tensor>
            {
                private readonly Linear fc = Linear(6, 3);
                public Misfit() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x, Tensor y = null) => fc.forward(x);
            }
            """);
        var diagnostics = TestCompilation.Analyze(TestCompilation.Generate(compilation).Output);

        var reported = Assert.Single(diagnostics, d => d.Id.StartsWith("TBG", StringComparison.Ordinal));
        Assert.Equal("TBG005", reported.Id);
        Assert.Contains(expected, reported.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Lengths_the_analysis_cannot_follow_are_unknown_not_guessed()
    {
        var compilation = TestCompilation.Create(TestCompilation.Usings + """
            [MemoryProfile(8, 4, SequenceDimensions = new[] { 0 })]
            public partial class Opaque : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 3);
                public Opaque() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.forward(x).cumprod(1).sum(1);
            }

            [MemoryProfile(8, 4, SequenceDimensions = new[] { 0 }, Loss = LossKind.Mse)]
            public partial class Plain : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 3);
                public Plain() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.forward(x);
            }

            [MemoryProfile(8, 4, SequenceDimensions = new[] { 0 }, Loss = LossKind.Mse)]
            public partial class Sized : Module<Tensor, Tensor>
            {
                private readonly Linear fc;
                public Sized(int width = 3) : base("m") { fc = Linear(4, width); RegisterComponents(); }
                public override Tensor forward(Tensor x) => fc.forward(x);
            }

            [MemoryProfile(4, 3, SequenceDimensions = new[] { 0 }, Loss = LossKind.Mse)]
            public partial class FailsAtOne : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(3, 5);
                private readonly Parameter p = Parameter(torch.randn(4, 1));
                public FailsAtOne() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x)
                {
                    var y = fc.forward(x);
                    return torch.cat(new[] { y + p, y }, 2);
                }
            }

            [MemoryProfile(8, 4)]
            public partial class NoLength : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 3);
                public NoLength() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.forward(x).sum(1);
            }
            """);
        var (output, _, _) = TestCompilation.Generate(compilation);
        using var image = new MemoryStream();
        Assert.True(output.Emit(image).Success);
        var assembly = Assembly.Load(image.ToArray());
        MemoryReport Report(string name) => (MemoryReport)assembly.GetType(name)!.GetProperty("MemoryReport")!.GetValue(null)!;

        var opaque = Report("Opaque");
        Assert.Equal(8, opaque.SequenceLength);
        Assert.Null(opaque.SequenceLengthsCovered);
        Assert.Contains(opaque.Notes, n => n.StartsWith("The memory at other sequence lengths is unknown", StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(() => opaque.ForBatch(2, 5));
        Assert.Throws<InvalidOperationException>(() => opaque.MaxSequenceLength(1L << 30, 2));
        Assert.DoesNotContain("T = ", opaque.ToMarkdown(), StringComparison.Ordinal);

        var plain = Report("Plain");
        Assert.NotNull(plain.SequenceLengthsCovered);
        // Linear over [B, T, 4]: the activations grow with T.
        Assert.True(plain.ForBatch(2, 16).Activations > plain.ForBatch(2, 8).Activations);
        Assert.Equal(plain.ForBatch(2).Peak, plain.ForBatch(2, 8).Peak);
        Assert.Contains("| Peak (training) | T = 2 | T = 4 | T = 8 | T = 16 | T = 32 |", plain.ToMarkdown(), StringComparison.Ordinal);
        Assert.Contains("id=\"sequence\"", plain.ToHtml(1L << 30), StringComparison.Ordinal);

        // MemoryReportFor keeps the profiled length: other lengths there are unknown, said so, not a formula's guess.
        var sized = (MemoryReport)assembly.GetType("Sized")!.GetMethod("MemoryReportFor")!.Invoke(null, new object[] { 5 })!;
        Assert.Equal(8, sized.SequenceLength);
        Assert.True(sized.ForBatch(2, 8).Activations > 0);
        Assert.Contains("stays the profiled one", Assert.Throws<InvalidOperationException>(() => sized.ForBatch(2, 16)).Message,
            StringComparison.Ordinal);

        // At T = 1 the parameter broadcasts y to 4 rows, and cat of that with y fails in TorchSharp: not covered (sequence
        // fuzzer, seed 22: the report claimed T = 1 from a pass that had found the shape error).
        var failsAtOne = Report("FailsAtOne");
        Assert.Throws<ArgumentOutOfRangeException>(() => failsAtOne.ForBatch(2, 1));
        Assert.True(failsAtOne.ForBatch(2, 4).Peak > 0);

        var noLength = Report("NoLength");
        Assert.Null(noLength.SequenceLength);
        Assert.Empty(noLength.SequenceDimensions);
        Assert.Contains("marks no sequence dimensions", Assert.Throws<InvalidOperationException>(() => noLength.ForBatch(2, 8)).Message,
            StringComparison.Ordinal);
    }
}

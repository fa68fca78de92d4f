using System.Linq;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// oneDNN's strided backward-data kernel over inputs as large as detection and ImageNet models take (256² to 640² at
/// stride 2), with few input and many output channels so that its scratchpad moment is the step's peak (checked: 4,096
/// bytes more scratchpad moved these peaks by exactly that). Both peaks to the byte at batch 1 (and 2); beyond the
/// measured size the peak is unknown, said so.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class StridedConvolutionLargeInputTests
{
    private static string Source(string name, long cin, long size, long cout, long k, long s, long p) => $$"""
        [MemoryProfile({{cin}}, {{size}}, {{size}})]
        public partial class {{name}} : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> first = Conv2d({{cin}}, {{cin}}, 1);
            private readonly Module<Tensor, Tensor> conv = Conv2d({{cin}}, {{cout}}, {{k}}, stride: {{s}}, padding: {{p}});
            private readonly Linear head = Linear({{cout}}, 3);
            public {{name}}() : base(nameof({{name}})) => RegisterComponents();
            public override Tensor forward(Tensor x) =>
                head.forward(functional.adaptive_avg_pool2d(conv.forward(first.forward(x)), 1).flatten(1));
        }
        """;

    [Theory]
    [InlineData("Stem256", 3, 256, 64, 3, 1, 2)]
    [InlineData("Stem320", 3, 320, 64, 3, 1, 1)]
    [InlineData("Stem640", 3, 640, 32, 6, 2, 1)]
    [InlineData("Wide180", 8, 180, 64, 3, 1, 2)]
    public void Both_peaks_equal_the_allocation_counter(string name, long cin, long size, long cout, long kernel, long padding, long batch)
    {
        var program = new FuzzProgram(name, Source(name, cin, size, cout, kernel, 2, padding), new[] { "conv" }, batch);
        var outcome = DifferentialRunner.Run(new[] { program }).Single();
        Assert.Empty(outcome.Mismatches);
        Assert.True(outcome.FullyKnown, string.Join(" ", outcome.Notes));
        ExactRows.AssertPeaksExact(outcome);
    }

    [Fact]
    public void A_larger_input_leaves_the_peak_unknown()
    {
        var outcome = DifferentialRunner.Run(new[] { new FuzzProgram("Stem720", Source("Stem720", 3, 720, 16, 3, 2, 1), new[] { "conv" }, 1) })
            .Single();
        Assert.Empty(outcome.Mismatches);
        Assert.Null(outcome.Training!.Rows.Single(r => r.Name == "Peak").Predicted);
        Assert.Contains(outcome.Notes, n => n.Contains("larger than measured", System.StringComparison.Ordinal));
    }
}

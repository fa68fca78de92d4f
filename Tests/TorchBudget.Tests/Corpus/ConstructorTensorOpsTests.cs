using System.Linq;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Corpus;

/// <summary>
/// Buffers computed in the constructor from other tensors, as llama and ALiBi ports write them: the rotary table from
/// <c>torch.pow(theta, arange / dim)</c>, <c>torch.outer</c>, <c>cat</c>, <c>cos</c>/<c>sin</c>; a product of two
/// broadcast tensors; parts of a <c>chunk</c>. Each op runs forward's own rule on the fixed shapes. Compiled and run for
/// real: every row equals TorchSharp and the allocation counter at batch 1 and another. A buffer that is a slice of a
/// larger tensor (whose whole storage it keeps) is declined: the report is unknown, with TBG004 at the field.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class ConstructorTensorOpsTests(ITestOutputHelper output)
{
    private const string Template = """
        [MemoryProfile(6, 10)]
        public partial class {0} : Module<Tensor, Tensor>
        {
            private readonly Linear f = Linear(10, 12);
            private readonly Tensor cos, sin;
            private readonly Linear head = Linear(72, 4);
            public {0}() : base(nameof({0}))
            {
                {2}
                RegisterComponents();
            }
            public override Tensor forward(Tensor x)
            {
                var h = f.forward(x);
                var T = (int)h.shape[1];
                var y = h * cos[..T] + h * sin[..T];
                return head.forward(y.flatten(1));
            }
        }
        """;

    [Theory]
    [InlineData("RotaryByOuter", """
        var invFreq = 1.0 / torch.pow(10000.0, torch.arange(0, 12, 2, dtype: ScalarType.Float32) / 12);
        var t = torch.arange(16, dtype: ScalarType.Float32);
        var freqs = torch.outer(t, invFreq);
        var emb = torch.cat(new[] { freqs, freqs }, -1);
        cos = emb.cos();
        sin = emb.sin();
        """, 3)]
    [InlineData("RotaryByBroadcast", """
        var invFreq = 1.0 / torch.pow(10000.0, torch.arange(0, 12, 2).to(ScalarType.Float32) / 12.0);
        var freqs = torch.arange(20).to(ScalarType.Float32).unsqueeze(1) * invFreq.unsqueeze(0);
        var emb = torch.cat(new[] { freqs, freqs }, 1);
        (cos, sin) = (emb.cos(), emb.sin());
        """, 2)]
    [InlineData("TableByChunk", """
        var both = torch.randn(8, 24);
        var parts = both.chunk(2, 1);
        cos = parts[0].contiguous();
        sin = parts[1] * 2;
        """, 3)]
    [InlineData("TableConverted", """
        cos = torch.arange(192).view(16, 12).to(ScalarType.Float32);
        sin = torch.ones(16, 12, dtype: ScalarType.Float64).to(ScalarType.Float32).t().contiguous().t();
        """, 2)]
    public void Every_row_matches_the_counter(string name, string constructor, long batch)
    {
        var source = Template.Replace("{2}", constructor, System.StringComparison.Ordinal);
        var problems = ExactRows.Problems(name, source, batch, "constructor", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Every row: a field the analysis cannot size leaves the module's registration, and so the report, unknown.</summary>
    private static readonly string[] Rows =
        { "ParameterCount", "TrainableParameterCount", "Parameters", "Buffers", "Gradients", "OptimizerState", "Input", "Activations", "Peak" };

    [Fact]
    public void A_buffer_that_slices_a_larger_tensor_is_declined()
    {
        var source = Template.Replace("{2}", """
            var table = torch.randn(32, 24);
            cos = table[..16, ..12].cos();
            sin = table.narrow(1, 12, 12);
            """, System.StringComparison.Ordinal);
        var problems = ExactRows.ProblemsBut("SlicedBuffer", source, 2, "constructor", output.WriteLine,
            Rows.Select(r => r).Concat(Rows.Where(r => r is "Parameters" or "Buffers" or "Input" or "Activations" or "Peak")
                .Select(r => "Inference " + r)).ToArray(), "TBG004");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

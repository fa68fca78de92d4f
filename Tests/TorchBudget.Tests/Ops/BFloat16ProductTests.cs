using System.Linq;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// A BFloat16 matrix product takes a transient oneDNN work buffer exactly when M·K·N exceeds 4,096 (measured over 1,331
/// sizes). A product of two parameters within that keeps the inference Peak known and exact; one beyond it makes it
/// unknown, said so.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class BFloat16ProductTests
{
    [Theory]
    [InlineData("BfSmallProduct", "4, 8", "8, 8", true)]
    [InlineData("BfLargeProduct", "32, 64", "64, 64", false)]
    public void Products_within_4096_multiply_adds_keep_the_peak_known(string name, string left, string right, bool known)
    {
        var source = $$"""
            [MemoryProfile(8, DType = ScalarType.BFloat16, InputDType = ScalarType.BFloat16, Loss = LossKind.Mse)]
            public partial class {{name}} : Module<Tensor, Tensor>
            {
                private readonly Parameter a = Parameter(torch.randn({{left}}));
                private readonly Parameter b = Parameter(torch.randn({{right}}));
                public {{name}}() : base(nameof({{name}})) => RegisterComponents();
                public override Tensor forward(Tensor x) => x * a.matmul(b).sum();
            }
            """;
        var outcome = DifferentialRunner.Run(new[] { new FuzzProgram(name, source, new[] { "bfloat16" }, 3) }).Single();
        Assert.Empty(outcome.Mismatches);
        // The inference pass (a BFloat16 loss keeps the training Peak unknown for its own reason).
        var peak = outcome.Inference!.Rows.Single(r => r.Name == "Peak");
        if (known) Assert.Equal(peak.Measured, peak.Predicted);
        else Assert.Null(peak.Predicted);
        Assert.Equal(!known, outcome.Notes.Any(n => n.Contains("BFloat16 matrix product", System.StringComparison.Ordinal)));
    }
}

using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// BFloat16 Linear layers and mm: oneDNN's gemm takes a transient work buffer from the batch where a product passes
/// 4,096 multiply-adds (threads × (128·K′ + 640) + 256 bytes, K′ = K rounded up to 32). The inference table models it
/// (its Peak equals the allocation counter below, at and above the threshold); the training Peak stays unknown, said so
/// (the backward's products contract over the rows). Compiled and run for real at batch 1 and another.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class BFloat16ProductTests(ITestOutputHelper output)
{
    private const string Mlp = """
        [MemoryProfile(32, DType = ScalarType.BFloat16, InputDType = ScalarType.BFloat16)]
        public partial class {0} : Module<Tensor, Tensor>
        {
            private readonly Linear f = Linear(32, 64), g = Linear(64, 24), head = Linear(24, 10);
            public {0}() : base(nameof({0})) => RegisterComponents();
            public override Tensor forward(Tensor x) => head.forward(g.forward(f.forward(x).relu()).tanh());
        }
        """;

    private const string Tokens = """
        [MemoryProfile(6, 40, DType = ScalarType.BFloat16, InputDType = ScalarType.BFloat16)]
        public partial class {0} : Module<Tensor, Tensor>
        {
            private readonly Linear f = Linear(40, 48);
            private readonly Parameter w = Parameter(torch.randn(48, 20));
            private readonly Linear head = Linear(120, 5);
            public {0}() : base(nameof({0})) => RegisterComponents();
            public override Tensor forward(Tensor x) => head.forward(f.forward(x).relu().flatten(0, 1).mm(w).view(-1, 120));
        }
        """;

    [Theory]
    [InlineData("Bf16Mlp", Mlp, 2)]
    [InlineData("Bf16MlpPast", Mlp, 3)]
    [InlineData("Bf16MlpLarge", Mlp, 7)]
    [InlineData("Bf16Tokens", Tokens, 3)]
    public void The_inference_table_is_exact_and_the_training_peak_unknown(string name, string source, long batch)
    {
        var problems = ExactRows.ProblemsBut(name, source, batch, "bfloat16", output.WriteLine, new[] { "Peak" });
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

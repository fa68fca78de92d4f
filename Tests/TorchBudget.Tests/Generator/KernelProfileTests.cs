using System.Linq;
using TorchBudget.Generator.Analysis;
using TorchBudget.Generator.Model;
using Xunit;

namespace TorchBudget.Tests.Generator;

/// <summary>
/// Work tensors are rules of the kernel profile they were measured on: a Float32 convolution (oneDNN's kernels) and a
/// LayerNorm (per-thread sums in backward) have a known peak on it and an unknown one, saying why, on any other.
/// </summary>
public class KernelProfileTests
{
    private static readonly string Source = TestCompilation.Usings + """
        namespace Models;

        [MemoryProfile(3, 16, 16)]
        public partial class ConvNet : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> conv = Conv2d(3, 8, 3, padding: 1);
            private readonly Module<Tensor, Tensor> head = Linear(8 * 16 * 16, 10);

            public ConvNet() : base(nameof(ConvNet)) => RegisterComponents();

            public override Tensor forward(Tensor x) => head.forward(conv.forward(x).flatten(1));
        }

        [MemoryProfile(12)]
        public partial class Mlp : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> hidden = Linear(12, 8);
            private readonly Module<Tensor, Tensor> head = Linear(8, 3);

            public Mlp() : base(nameof(Mlp)) => RegisterComponents();

            public override Tensor forward(Tensor x) => head.forward(hidden.forward(x).relu());
        }

        [MemoryProfile(12)]
        public partial class NormNet : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> norm = LayerNorm(12);
            private readonly Module<Tensor, Tensor> head = Linear(12, 3);

            public NormNet() : base(nameof(NormNet)) => RegisterComponents();

            public override Tensor forward(Tensor x) => head.forward(norm.forward(x));
        }
        """;


    [Theory]
    [InlineData("ConvNet")]
    [InlineData("NormNet")]
    public void The_measured_profile_knows_the_peak(string model)
    {
        var spec = Analyze(model, KernelProfile.Measured);
        Assert.NotNull(spec.Memory?.PeakLines);
        Assert.Equal(KernelProfile.Measured, spec.Settings.Kernels);
    }

    [Theory]
    [InlineData("ConvNet", true)]
    [InlineData("NormNet", true)]
    [InlineData("Mlp", false)]
    public void The_spec_says_whether_its_peak_follows_the_kernels(string model, bool follows) =>
        Assert.Equal(follows, Analyze(model, KernelProfile.Measured).PeaksFollowKernels);

    [Theory]
    [InlineData("ConvNet", "AVX2", 2)]
    [InlineData("ConvNet", "AVX-512", 8)]
    [InlineData("NormNet", "AVX-512", 16)]
    public void Another_profile_leaves_the_peak_unknown_and_says_why(string model, string instructionSet, int threads)
    {
        var kernels = new KernelProfile("CPU", instructionSet, threads);
        var spec = Analyze(model, kernels);
        Assert.Null(spec.Memory?.PeakLines);
        // The rows that do not depend on kernels stay known.
        Assert.NotNull(spec.Memory?.Activations);
        Assert.Contains(spec.Notes, n => n.Contains($"measured on {KernelProfile.Measured}, not on {kernels}", System.StringComparison.Ordinal));
    }

    private static ModelSpec Analyze(string model, KernelProfile kernels)
    {
        var compilation = TestCompilation.Create(Source);
        var type = compilation.GetTypeByMetadataName("Models." + model)!;
        return ModelAnalysis.Analyze(type, type.GetAttributes().Single(a => a.AttributeClass?.Name == "MemoryProfileAttribute"), compilation,
            default, parametricFormulas: false, kernels: kernels);
    }
}

using System.Linq;
using Microsoft.CodeAnalysis;
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

        [MemoryProfile(3, 16, 16, Kernels = "AVX2, 8 threads")]
        public partial class Avx2ConvNet : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> conv = Conv2d(3, 8, 3, padding: 1);
            private readonly Module<Tensor, Tensor> head = Linear(8 * 16 * 16, 10);

            public Avx2ConvNet() : base(nameof(Avx2ConvNet)) => RegisterComponents();

            public override Tensor forward(Tensor x) => head.forward(conv.forward(x).flatten(1));
        }

        [MemoryProfile(12, Kernels = "CPU AVX2")]
        public partial class Avx2Mlp : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> hidden = Linear(12, 8);

            public Avx2Mlp() : base(nameof(Avx2Mlp)) => RegisterComponents();

            public override Tensor forward(Tensor x) => hidden.forward(x);
        }

        [MemoryProfile(12, Kernels = "AVX2, many threads")]
        public partial class MisspeltProfile : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> hidden = Linear(12, 8);

            public MisspeltProfile() : base(nameof(MisspeltProfile)) => RegisterComponents();

            public override Tensor forward(Tensor x) => hidden.forward(x);
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
    [InlineData("ConvNet", "AVX2", 2, "CPU AVX-512 with 1, 2, 4 threads")]
    [InlineData("ConvNet", "AVX-512", 8, "CPU AVX-512 with 1, 2, 4 threads")]
    [InlineData("NormNet", "AVX-512", 32, "CPU AVX-512 with 1, 2, 4, 8, 16 threads")]
    [InlineData("NormNet", "AVX2", 2, "CPU AVX-512 with 1, 2, 4, 8, 16 threads")]
    public void Another_profile_leaves_the_peak_unknown_and_says_why(string model, string instructionSet, int threads, string measured)
    {
        var kernels = new KernelProfile("CPU", instructionSet, threads);
        var spec = Analyze(model, kernels);
        Assert.Null(spec.Memory?.PeakLines);
        // The rows that do not depend on kernels stay known.
        Assert.NotNull(spec.Memory?.Activations);
        Assert.Contains(spec.Notes, n => n.Contains($"measured on {measured}, not on {kernels}", System.StringComparison.Ordinal));
    }

    /// <summary>
    /// The thread counts a rule was measured with (bench/RESULTS.md, against the allocation counter under
    /// torch.set_num_threads): oneDNN's direct convolution kernels 1, 2 and 4 (where the reduction plan follows the
    /// shape: this ConvNet's at 4 threads it does not), LayerNorm's per-thread sums 1 to 16.
    /// </summary>
    [Theory]
    [InlineData("ConvNet", 1)]
    [InlineData("NormNet", 1)]
    [InlineData("NormNet", 16)]
    public void Measured_thread_counts_keep_the_peak_known(string model, int threads)
    {
        var spec = Analyze(model, new KernelProfile("CPU", "AVX-512", threads));
        Assert.NotNull(spec.Memory?.PeakLines);
        Assert.Contains(spec.Notes, n => n.Contains($"{threads} CPU threads", System.StringComparison.Ordinal));
    }

    [Fact]
    public void The_attribute_names_the_profile_and_a_convolution_peak_off_it_is_unknown()
    {
        var spec = Analyze("Avx2ConvNet", null);
        Assert.Equal(new KernelProfile("CPU", "AVX2", 8), spec.Settings.Kernels);
        Assert.Null(spec.Memory?.PeakLines);
        Assert.NotNull(spec.Memory?.Activations);
        Assert.Contains(spec.Notes,
            n => n.Contains("measured on CPU AVX-512 with 1, 2, 4 threads, not on CPU AVX2, 8 threads", System.StringComparison.Ordinal));
    }

    [Fact]
    public void A_peak_that_follows_no_kernels_stays_known_under_any_profile()
    {
        var spec = Analyze("Avx2Mlp", null);
        Assert.Equal(new KernelProfile("CPU", "AVX2", 2), spec.Settings.Kernels);
        Assert.NotNull(spec.Memory?.PeakLines);
        Assert.False(spec.PeaksFollowKernels);
    }

    [Fact]
    public void A_profile_it_cannot_read_is_TBG005()
    {
        var spec = Analyze("MisspeltProfile", null);
        Assert.Contains(spec.Diagnostics,
            d => d.Id == "TBG005" && d.MessageArgs.Any(a => a.Contains("Kernels must be", System.StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("AVX-512", "CPU AVX-512, 2 threads")]
    [InlineData("CPU AVX2, 16 threads", "CPU AVX2, 16 threads")]
    [InlineData(" AVX2 , 1 thread", "CPU AVX2, 1 threads")]
    [InlineData("AVX", null)]
    [InlineData("AVX2, 0 threads", null)]
    [InlineData("AVX2, 8", null)]
    public void Profiles_are_read_as_reports_write_them(string text, string? expected) =>
        Assert.Equal(expected, KernelProfile.Parse(text)?.ToString());

    [Fact]
    public void The_project_profile_holds_where_the_attribute_names_none()
    {
        var project = new KernelProfile("CPU", "AVX2", 16);
        var spec = Analyze("ConvNet", null, project);
        Assert.Equal(project, spec.Settings.Kernels);
        Assert.Null(spec.Memory?.PeakLines);
        Assert.Contains(spec.Notes, n => n.Contains($"not on {project}", System.StringComparison.Ordinal));
    }

    [Fact]
    public void The_attribute_profile_wins_over_the_project_one()
    {
        var spec = Analyze("Avx2ConvNet", null, new KernelProfile("CPU", "AVX-512", 16));
        Assert.Equal(new KernelProfile("CPU", "AVX2", 8), spec.Settings.Kernels);
    }

    /// <summary>
    /// MSBuild's TorchBudgetKernels reaches the generated report: its KernelProfile names the project's profile and its
    /// convolution peak is unknown; without the property the same model's peak is known, for the measured profile.
    /// </summary>
    [Fact]
    public void The_generator_reads_the_project_profile_from_MSBuild()
    {
        var options = new Robustness.DictionaryConfigOptionsProvider(
            new System.Collections.Generic.Dictionary<string, string> { ["build_property.TorchBudgetKernels"] = "AVX2, 16 threads" });
        var generator = new TorchBudget.Generator.MemoryProfileGenerator();
        GeneratorDriver driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(
            new[] { generator.AsSourceGenerator() }, optionsProvider: options);
        var generated = driver.RunGenerators(TestCompilation.Create(Source)).GetRunResult().GeneratedTrees
            .Select(t => t.ToString()).Single(t => t.Contains("partial class ConvNet", System.StringComparison.Ordinal));
        Assert.Contains("\"CPU AVX2, 16 threads\"", generated, System.StringComparison.Ordinal);
        var plain = TestCompilation.Generate(TestCompilation.Create(Source)).Generated
            .Single(t => t.Contains("partial class ConvNet", System.StringComparison.Ordinal));
        Assert.Contains("\"CPU AVX-512, 2 threads\"", plain, System.StringComparison.Ordinal);
    }

    private static ModelSpec Analyze(string model, KernelProfile? kernels, KernelProfile? projectKernels = null)
    {
        var compilation = TestCompilation.Create(Source);
        var type = compilation.GetTypeByMetadataName("Models." + model)!;
        return ModelAnalysis.Analyze(type, type.GetAttributes().Single(a => a.AttributeClass?.Name == "MemoryProfileAttribute"), compilation,
            default, parametricFormulas: false, kernels: kernels, projectKernels: projectKernels);
    }
}

using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit;

namespace TorchBudget.Tests.Generator;

/// <summary>Each diagnostic at the construct that causes it, and none on a model the analysis can follow.</summary>
public class DiagnosticTests
{
    [Fact]
    public Task No_diagnostic_on_a_model_the_analysis_follows() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(784)]
        public partial class Mlp : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc1, fc2;
            public Mlp(long hidden = 128) : base("mlp")
            {
                fc1 = Linear(784, hidden);
                fc2 = Linear(hidden, 10);
                RegisterComponents();
            }
            public override Tensor forward(Tensor x) => fc2.forward(fc1.forward(x));
        }
        """);

    [Fact]
    public Task TBG008_on_spatial_dropout_over_an_input_without_a_batch_dimension() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(8, 100)]
        public partial class Tagger : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> conv = Conv1d(8, 16, 3);
            private readonly Module<Tensor, Tensor> drop = Dropout2d(0.2);
            private readonly Module<Tensor, Tensor> head = Linear(16 * 98, 5);
            public Tagger() : base("tagger") => RegisterComponents();
            public override Tensor forward(Tensor x) => head.forward({|TBG008:drop.forward(conv.forward(x))|}.flatten(1));
        }
        """);

    [Fact]
    public Task TBG011_on_a_view_that_fails_in_eval_mode_only() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(3, 8, 5)]
        public partial class Probe : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> drop = Dropout1d(0.2);
            private readonly Module<Tensor, Tensor> head = Linear(9, 3);
            public Probe() : base("probe") => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var picked = x[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(4, 7), TensorIndex.Single(0)];
                return head.forward({|TBG011:drop.forward(picked).view(x.shape[0], -1)|});
            }
        }
        """);

    [Fact]
    public Task No_TBG011_where_eval_mode_views_too() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(3, 8, 5)]
        public partial class Probe : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> drop = Dropout1d(0.2);
            private readonly Module<Tensor, Tensor> head = Linear(9, 3);
            public Probe() : base("probe") => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var picked = x[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(4, 7), TensorIndex.Single(0)];
                return head.forward(drop.forward(picked).reshape(x.shape[0], -1));
            }
        }
        """);

    [Fact]
    public Task No_TBG008_on_spatial_dropout_over_its_batched_rank() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(8, 100)]
        public partial class Tagger : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> conv = Conv1d(8, 16, 3);
            private readonly Module<Tensor, Tensor> drop = Dropout1d(0.2);
            private readonly Module<Tensor, Tensor> head = Linear(16 * 98, 5);
            public Tagger() : base("tagger") => RegisterComponents();
            public override Tensor forward(Tensor x) => head.forward(drop.forward(conv.forward(x)).flatten(1));
        }
        """);

    [Fact]
    public Task TBG004_on_a_size_read_at_run_time() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(784)]
        public partial class FromFile : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc;
            public FromFile() : base("m")
            {
                var hidden = long.Parse({|TBG004:System.IO.File.ReadAllText("hidden.txt")|});
                fc = Linear(784, hidden);
                RegisterComponents();
            }
            public override Tensor forward(Tensor x) => fc.forward(x);
        }
        """);

    [Fact]
    public Task TBG004_on_a_branch_decided_at_run_time() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(10)]
        public partial class Branchy : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc;
            public Branchy() : base("m")
            {
                if ({|TBG004:DateTime.Now.Hour > 12|}) fc = Linear(10, 20);
                else fc = Linear(10, 30);
                RegisterComponents();
            }
            public override Tensor forward(Tensor x) => fc.forward(x);
        }
        """);

    [Fact]
    public Task TBG004_on_a_parameter_count_that_overflows() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(10)]
        public partial class Huge : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc = {|TBG004:Linear(long.MaxValue, 2)|};
            public Huge() : base("m") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.forward(x);
        }
        """);

    [Fact]
    public Task TBG004_on_modules_that_construct_each_other() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(10)]
        public partial class A : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> inner = new B();
            public A() : base("a") => RegisterComponents();
            public override Tensor forward(Tensor x) => inner.forward(x);
        }
        public class B : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> inner = {|TBG004:new A()|};
            public B() : base("b") => RegisterComponents();
            public override Tensor forward(Tensor x) => inner.forward(x);
        }
        """);

    private const string MnistMlpBody = """
        public partial class Mlp : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> layers = Sequential(Flatten(), Linear(784, 128), ReLU(), Linear(128, 10));
            public Mlp() : base("m") => RegisterComponents();
            public override Tensor forward(Tensor x) => layers.forward(x);
        }
        """;

    // The seed MLP peaks at about 2.5 MiB at batch 64 in training (its table is checked against the tracker).
    [Fact]
    public Task TBG001_when_the_training_peak_breaks_the_budget() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(1, 28, 28)]
        [{|TBG001:MemoryBudget("1 MiB", BatchSize = 64)|}]
        """ + MnistMlpBody);

    [Fact]
    public Task No_TBG001_within_the_budget() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(1, 28, 28)]
        [MemoryBudget("8 GiB", BatchSize = 64, SafetyFactor = 0.5)]
        """ + MnistMlpBody);

    [Fact]
    public Task TBG001_from_the_project_budget() => AnalyzerTest.VerifyAsync("""
        [{|TBG001:MemoryProfile(1, 28, 28)|}]
        """ + MnistMlpBody, "is_global = true\nbuild_property.TorchBudgetMemoryBudget = 2MB\nbuild_property.TorchBudgetBatchSize = 256\n");

    /// <summary>A project kernel profile TorchBudget cannot read fails the build at every model, naming the property.</summary>
    [Fact]
    public Task TBG005_on_an_unreadable_project_kernel_profile() => AnalyzerTest.VerifyAsync("""
        [{|TBG005:MemoryProfile(1, 28, 28)|}]
        """ + MnistMlpBody, "is_global = true\nbuild_property.TorchBudgetKernels = AVX-1024\n");

    [Fact]
    public Task A_readable_project_kernel_profile_is_no_diagnostic() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(1, 28, 28)]
        """ + MnistMlpBody, "is_global = true\nbuild_property.TorchBudgetKernels = AVX2, 16 threads\n");

    [Fact]
    public Task TBG005_on_an_unreadable_budget() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(1, 28, 28)]
        [{|TBG005:MemoryBudget("lots", BatchSize = 64)|}]
        """ + MnistMlpBody);

    /// <summary>
    /// TBG001 says the peak and the budget in binary units with the exact bytes, and what the peak is made of at the
    /// budget's batch: each row, and what the step holds beyond them at its peak (the parts add up to the peak).
    /// </summary>
    [Fact]
    public void TBG001_gives_the_peak_in_units_and_its_breakdown()
    {
        var (output, _, _) = TestCompilation.Generate(TestCompilation.Create(TestCompilation.Usings + """
            [MemoryProfile(1, 28, 28)]
            [MemoryBudget("1 MiB", BatchSize = 64)]
            """ + MnistMlpBody));
        var message = TestCompilation.Analyze(output).Single(d => d.Id == "TBG001").GetMessage(CultureInfo.InvariantCulture);
        Assert.Matches(@"peaks at \d+\.\d\d MiB \([\d,]+ bytes\) in training, over 819\.20 KiB \(838,860 bytes\)", message);
        var parts = Regex.Match(message, @"\): parameters (?<p>.+?), gradients (?<g>.+?), optimizer state (?<o>.+?), input (?<i>.+?), "
            + @"activations (?<a>.+?), the step's transient tensors at its peak (?<r>.+?); the largest batch that fits is \d+");
        Assert.True(parts.Success, message);
        Assert.Equal("397.54 KiB", parts.Groups["p"].Value); // (784·128 + 128 + 128·10 + 10) × 4 bytes
        Assert.Equal("196.50 KiB", parts.Groups["i"].Value);  // 64 × 784 × 4 bytes, and the Int64 labels: 64 × 8
    }

    /// <summary>"8" is far likelier 8 GiB than 8 bytes: a budget without a unit is refused, and the message says how to write one.</summary>
    [Fact]
    public async Task TBG005_on_a_budget_without_a_unit()
    {
        await AnalyzerTest.VerifyAsync("""
            [MemoryProfile(1, 28, 28)]
            [{|TBG005:MemoryBudget("8", BatchSize = 64)|}]
            """ + MnistMlpBody);
        var parsed = TorchBudget.Analyzers.Linked.ByteUnits.Parse("8", out var problem);
        Assert.Null(parsed);
        Assert.Contains("has no unit", problem);
        Assert.Contains("\"8 GiB\"", problem);
        Assert.Equal(8, TorchBudget.Analyzers.Linked.ByteUnits.Parse("8 B", out _));
    }

    /// <summary>More digits than a decimal holds: TBG005, not an exception in the analyzer.</summary>
    [Fact]
    public Task TBG005_on_a_budget_too_large_for_any_number() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(1, 28, 28)]
        [{|TBG005:MemoryBudget("99999999999999999999999999999999999 PB", BatchSize = 64)|}]
        """ + MnistMlpBody);

    [Fact]
    public Task TBG004_when_the_budget_cannot_be_checked() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(3, 32, 32)]
        [{|TBG004:MemoryBudget("8 GiB", BatchSize = 64)|}]
        public partial class Cnn : Module<Tensor, Tensor>
        {
            // A dilated convolution's oneDNN work tensors are not modeled, so the peak is unknown.
            private readonly Module<Tensor, Tensor> layers = Sequential(Conv2d(3, 8, 3, dilation: 2), ReLU(), Flatten(), Linear(8 * 28 * 28, 10));
            public Cnn() : base("m") => RegisterComponents();
            public override Tensor forward(Tensor x) => layers.forward(x);
        }
        """);

    [Fact]
    public Task TBG002_on_a_layer_above_the_default_threshold() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(8000)]
        public partial class Wide : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc = {|TBG002:Linear(8000, 8000)|}, head = Linear(8000, 10);
            public Wide() : base("m") => RegisterComponents();
            public override Tensor forward(Tensor x) => head.forward(fc.forward(x));
        }
        """);

    [Fact]
    public Task TBG002_threshold_from_editorconfig() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(100)]
        public partial class Small : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> layers = Sequential({|TBG002:Linear(100, 100)|}, ReLU(), Linear(100, 5));
            public Small() : base("m") => RegisterComponents();
            public override Tensor forward(Tensor x) => layers.forward(x);
        }
        """, "root = true\n[*.cs]\ntorchbudget.max_layer_parameters = 1_000\n");

    [Fact]
    public Task TBG005_on_a_malformed_threshold() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(100)]
        public partial class {|TBG005:Small|} : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc = Linear(100, 5);
            public Small() : base("m") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.forward(x);
        }
        """, "root = true\n[*.cs]\ntorchbudget.max_layer_parameters = lots\n");

    [Fact]
    public Task TBG009_on_an_mnist_mlp_profiled_with_cifar_images() => AnalyzerTest.VerifyAsync("""
        [{|TBG009:MemoryProfile(3, 32, 32)|}]
        public partial class MnistMlpOnCifar : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> flatten = Flatten(), fc1 = Linear(784, 128), fc2 = Linear(128, 10);
            public MnistMlpOnCifar() : base("m") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc2.forward(fc1.forward(flatten.forward(x)));
        }
        """);

    [Fact]
    public Task TBG009_on_conv_channels_of_the_profile_input_and_TBG003_on_an_impossible_view() => AnalyzerTest.VerifyAsync("""
        [{|TBG009:MemoryProfile(3, 32, 32)|}]
        public partial class WrongChannels : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> layers = Sequential(Conv2d(1, 8, 3), ReLU());
            public WrongChannels() : base("m") => RegisterComponents();
            public override Tensor forward(Tensor x) => layers.forward(x);
        }

        [MemoryProfile(3, 32, 32)]
        public partial class WrongView : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> conv = Conv2d(3, 6, 5), fc = Linear(400, 10);
            public WrongView() : base("m") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.forward({|TBG003:conv.forward(x).view(-1, 401)|});
        }
        """);

    [Fact]
    public Task TBG009_on_a_float_input_profiled_for_an_embedding() => AnalyzerTest.VerifyAsync("""
        [{|TBG009:MemoryProfile(16)|}]
        public partial class Tagger : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> embed = Embedding(100, 8), head = Linear(16 * 8, 3);
            public Tagger() : base("m") => RegisterComponents();
            public override Tensor forward(Tensor x) => head.forward(embed.forward(x).flatten(1));
        }
        """);

    [Fact]
    public void TBG009_names_the_layer_and_what_it_takes()
    {
        var compilation = TestCompilation.Create(TestCompilation.Usings + """
            [MemoryProfile(3, 32, 32)]
            public partial class Net : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> conv1 = Conv2d(1, 8, 3);
                private readonly Module<Tensor, Tensor> head = Linear(8 * 30 * 30, 3);
                public Net() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x) => head.forward(functional.relu(conv1.forward(x)).flatten(1));
            }
            """);
        var diagnostics = TestCompilation.Analyze(TestCompilation.Generate(compilation).Output);

        var reported = Assert.Single(diagnostics, d => d.Id.StartsWith("TBG", System.StringComparison.Ordinal));
        Assert.Equal("TBG009", reported.Id);
        Assert.Equal("The [MemoryProfile] input [3, 32, 32] Float32 does not fit 'Net': conv1 (Conv2d) at line 15: expects 1 input channels "
            + "(in_channels) but the incoming tensor [B, 3, 32, 32] has 3; give the shape (and InputDType) of one real sample, or fix that layer",
            reported.GetMessage());
    }

    [Fact]
    public Task TBG003_on_a_float32_tensor_fed_to_a_float64_layer() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(8, DType = ScalarType.Float64, InputDType = ScalarType.Float64)]
        public partial class MixedTypes : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc = Linear(8, 4, dtype: ScalarType.Float64);
            public MixedTypes() : base("m") => RegisterComponents();
            public override Tensor forward(Tensor x) => {|TBG003:fc.forward(x.to(ScalarType.Float32))|};
        }
        """);

    [Fact]
    public Task TBG005_on_an_empty_input_shape_and_arguments_that_fit_no_constructor() => AnalyzerTest.VerifyAsync("""
        [{|TBG005:MemoryProfile()|}]
        public partial class NoShape : Module<Tensor, Tensor>
        {
            public NoShape() : base("m") => RegisterComponents();
            public override Tensor forward(Tensor x) => x;
        }

        [{|TBG005:MemoryProfile(10, Arguments = new object[] { "wide" })|}]
        public partial class WrongArguments : Module<Tensor, Tensor>
        {
            public WrongArguments(long hidden) : base("m") => RegisterComponents();
            public override Tensor forward(Tensor x) => x;
        }
        """);

    [Fact]
    public Task TBG006_on_a_class_that_is_not_partial_or_not_a_module() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(10)]
        public class {|TBG006:NotPartial|} : Module<Tensor, Tensor>
        {
            public NotPartial() : base("m") => RegisterComponents();
            public override Tensor forward(Tensor x) => x;
        }

        [MemoryProfile(10)]
        public partial class {|TBG006:NotAModule|}
        {
        }
        """);

    [Fact]
    public Task TBG007_on_a_module_that_never_registers_its_fields() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(10)]
        public partial class {|TBG007:Forgetful|} : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc = Linear(10, 10);
            public Forgetful() : base("m") { }
            public override Tensor forward(Tensor x) => fc.forward(x);
        }
        """);

    [Fact]
    public Task Pragma_suppresses_a_diagnostic() => AnalyzerTest.VerifyAsync("""
        #pragma warning disable TBG007
        [MemoryProfile(10)]
        public partial class Forgetful : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc = Linear(10, 10);
            public Forgetful() : base("m") { }
            public override Tensor forward(Tensor x) => fc.forward(x);
        }
        #pragma warning restore TBG007
        """);

    [Fact]
    public Task Editorconfig_turns_a_diagnostic_off() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(10)]
        public partial class Forgetful : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc = Linear(10, 10);
            public Forgetful() : base("m") { }
            public override Tensor forward(Tensor x) => fc.forward(x);
        }
        """, "root = true\n[*.cs]\ndotnet_diagnostic.TBG007.severity = none\n");

    /// <summary>Where the analysis cannot know, the generated code carries no number and says why.</summary>
    [Fact]
    public void Unanalyzable_model_gets_no_count_and_an_incomplete_report()
    {
        var compilation = TestCompilation.Create(TestCompilation.Usings + """
            [MemoryProfile(784)]
            public partial class FromFile : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> fc = Linear(784, long.Parse(System.IO.File.ReadAllText("hidden.txt")));
                private readonly Module<Tensor, Tensor> head = Linear(10, 2);
                public FromFile() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x) => head.forward(fc.forward(x));
            }
            """);
        var (output, generated, diagnostics) = TestCompilation.Generate(compilation);

        Assert.DoesNotContain(diagnostics, d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning);
        var text = Assert.Single(generated);
        Assert.DoesNotContain("const long ParameterCount", text);
        Assert.DoesNotContain("const long TrainableParameterCount", text);
        Assert.Contains("IsComplete = false", text);
        Assert.Matches(@"(?m)^\s*ParameterCount = null,$", text);
        Assert.Contains("new global::TorchBudget.GeneratedLayer(\"fc\", \"Linear\", null, null, null,", text);
        // Linear(10, 2): 10×2 + 2
        Assert.Contains("new global::TorchBudget.GeneratedLayer(\"head\", \"Linear\", 22L, 22L, 0L,", text);
        Assert.Contains("File.ReadAllText", text); // the note says what could not be analyzed
        Assert.Contains(TestCompilation.Analyze(output), d => d.Id == "TBG004");
    }
}

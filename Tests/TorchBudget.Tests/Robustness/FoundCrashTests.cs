using System.Linq;
using TorchBudget.Tests.Generator;
using Xunit;

namespace TorchBudget.Tests.Robustness;

/// <summary>
/// Crashes the robustness suite found, one test each, reduced to the construct that caused them. Each asserts the
/// diagnostic the case should get instead of TBG900 (the internal error the generator turns an exception into).
/// </summary>
public class FoundCrashTests
{
    private static (bool Complete, string[] Ids, string[] Messages) Run(string body)
    {
        var (output, generated, generatorDiagnostics) = TestCompilation.Generate(TestCompilation.Create(TestCompilation.Usings + body));
        var diagnostics = TestCompilation.Analyze(output)
            .Concat(generatorDiagnostics.Where(d => d.Id.StartsWith("TBG", System.StringComparison.Ordinal)))
            .ToList();
        return (generated.Any(g => g.Contains("IsComplete = true")), diagnostics.Select(d => d.Id).ToArray(),
            diagnostics.Select(d => d.GetMessage()).ToArray());
    }

    /// <summary>A constructor's tensor op (forward's rule on fixed shapes) whose result's element count overflows.</summary>
    [Theory]
    [InlineData("torch.outer(torch.ones(4000000000L), torch.ones(4000000000L))")]
    [InlineData("torch.ones(4000000000L).unsqueeze(1) * torch.ones(4000000000L)")]
    [InlineData("torch.einsum(\"i,j->ij\", torch.ones(4000000000L), torch.ones(4000000000L))")]
    public void A_constructor_op_whose_element_count_overflows_is_reported_as_not_analyzable(string expression)
    {
        var (complete, ids, _) = Run($$"""
            [MemoryProfile(4)]
            public partial class M : Module<Tensor, Tensor>
            {
                private readonly Tensor table = {{expression}};
                public M() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x) => x;
            }
            """);
        Assert.False(complete);
        Assert.DoesNotContain("TBG900", ids);
        Assert.DoesNotContain("AD0001", ids);
        Assert.Contains("TBG004", ids);
    }

    /// <summary>Found as "handwritten 'huge sizes'": the tensor factory's checked product escaped as an OverflowException.</summary>
    [Fact]
    public void A_parameter_tensor_whose_element_count_overflows_is_reported_as_not_analyzable()
    {
        var (complete, ids, messages) = Run("""
            [MemoryProfile(4)]
            public partial class M : Module<Tensor, Tensor>
            {
                private readonly Parameter p = Parameter(torch.zeros(long.MaxValue, long.MaxValue));
                public M() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x) => x;
            }
            """);
        Assert.False(complete);
        Assert.DoesNotContain("TBG900", ids);
        Assert.Contains(messages, m => m.Contains("the element count of torch.zeros(...) overflows a 64-bit integer"));
    }

    /// <summary>
    /// Found with the case below: a tensor forward keeps whose bytes overflow left the report incomplete with no note and no diagnostic.
    /// </summary>
    [Fact]
    public void A_forward_tensor_whose_bytes_overflow_is_reported_as_not_analyzable()
    {
        var (complete, ids, messages) = Run("""
            [MemoryProfile(16)]
            public partial class M : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(16, 20);
                public M() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x)
                {
                    var unused = torch.zeros(x.shape[0], long.MaxValue / 2);
                    return fc.forward(x);
                }
            }
            """);
        Assert.False(complete);
        Assert.Contains("TBG004", ids);
        Assert.Contains(messages, m => m.Contains("whose bytes overflow a 64-bit integer"));
    }

    /// <summary>
    /// Found as "zoo RecurrentCellNet.cs: 'hidden' → 'long.MaxValue'": a GRUCell state of the wrong width left the report incomplete with
    /// no diagnostic.
    /// </summary>
    [Fact]
    public void A_recurrent_cell_state_of_the_wrong_shape_is_a_shape_mismatch()
    {
        var (complete, ids, messages) = Run("""
            [MemoryProfile(16)]
            public partial class M : Module<Tensor, Tensor>
            {
                private readonly GRUCell cell = GRUCell(16, 20);
                public M() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x) => cell.call(x, torch.zeros(x.shape[0], long.MaxValue / 2));
            }
            """);
        Assert.False(complete);
        Assert.Contains("TBG003", ids);
        Assert.Contains(messages, m => m.Contains("expects a state of [B, 20]"));
    }

    /// <summary>
    /// Found as "zoo GruTagger.cs: extreme number '1' → 2147483648" (numLayers): building 2^31 layers' parameters hung the analysis.
    /// </summary>
    [Fact]
    public void A_recurrent_layer_with_billions_of_layers_is_reported_as_not_analyzable_at_once()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (complete, ids, messages) = Run("""
            [MemoryProfile(7, 16)]
            public partial class M : Module<Tensor, Tensor>
            {
                private readonly GRU gru = GRU(16, 32, 2147483648L, batchFirst: true);
                public M() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x) => gru.forward(x, null).Item1;
            }
            """);
        Assert.False(complete);
        Assert.Contains("TBG004", ids);
        Assert.Contains(messages, m => m.Contains("more than 100,000 parameters and buffers"));
        Assert.True(clock.Elapsed < System.TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    /// <summary>Found as "zoo Vgg11.cs: '224' → (long.MaxValue / 2 + 1)": forward's input tensor overflowed its element count.</summary>
    [Fact]
    public void An_input_shape_whose_element_count_overflows_is_an_invalid_attribute()
    {
        var (complete, ids, messages) = Run("""
            [MemoryProfile(3, 4611686018427387904, 224)]
            public partial class M : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> fc = Linear(4, 4);
                public M() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.forward(x);
            }
            """);
        Assert.False(complete);
        Assert.Equal(new[] { "TBG005" }, ids);
        Assert.Contains("has more elements than a 64-bit count holds", messages.Single());
    }

    /// <summary>Found as "zoo NormalizedInputNet.cs: swap arguments '3' and '1'": x - mean with shapes that do not
    /// broadcast escaped from the + - * / operators (the method forms x.sub(mean) were already caught).</summary>
    [Fact]
    public void An_operator_on_tensors_that_do_not_broadcast_is_a_shape_mismatch()
    {
        var (complete, ids, messages) = Run("""
            [MemoryProfile(4)]
            public partial class M : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> fc = Linear(4, 4);
                private readonly Parameter offset = Parameter(torch.zeros(3));
                public M() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.forward(x) - offset;
            }
            """);
        Assert.False(complete);
        Assert.DoesNotContain("TBG900", ids);
        Assert.Contains("TBG003", ids);
        Assert.Contains(messages, m => m.Contains("shapes [B, 4] and [3] do not broadcast"));
    }

    /// <summary>Found as "zoo MnistMlp.cs: add [MemoryBudget("8 GiB", BatchSize = long.MaxValue)]": the analyzer's
    /// peak at that batch size overflowed and the analyzer threw (AD0001).</summary>
    [Fact]
    public void A_budget_at_a_batch_size_whose_peak_overflows_is_over_budget()
    {
        var (_, ids, messages) = Run("""
            [MemoryProfile(784)]
            [MemoryBudget("8 GiB", BatchSize = long.MaxValue)]
            public partial class M : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> fc1 = Linear(784, 128), fc2 = Linear(128, 10);
                public M() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x) => fc2.forward(functional.relu(fc1.forward(x)));
            }
            """);
        Assert.DoesNotContain("AD0001", ids);
        Assert.Equal(new[] { "TBG001" }, ids);
        Assert.Contains("peaks at more than 8192.00 PiB (9,223,372,036,854,775,807 bytes)", messages.Single());
    }

    /// <summary>Found as "handwritten 'many repetitions in a loop'" with [MemoryProfile(long.MaxValue)]: the input's
    /// bytes overflowed, the memory table was dropped, and the report was incomplete with no word why.</summary>
    [Fact]
    public void A_memory_table_whose_bytes_overflow_is_reported_as_not_analyzable()
    {
        var (complete, ids, messages) = Run("""
            [MemoryProfile(long.MaxValue)]
            public partial class M : Module<Tensor, Tensor>
            {
                public M() : base("m") => RegisterComponents();
                public override Tensor forward(Tensor x) => x;
            }
            """);
        Assert.False(complete);
        Assert.Equal(new[] { "TBG004" }, ids);
        Assert.Contains("a byte count of the memory table overflows a 64-bit integer", messages.Single());
    }

    /// <summary>Found as "handwritten 'deep nesting'" with a loop of 1,000 wrappings: Scriban's default limit of 1,000
    /// loop iterations made the emitter throw on a model with more layers than that.</summary>
    [Fact]
    public void A_model_with_more_than_a_thousand_layers_gets_its_report()
    {
        var (output, generated, generatorDiagnostics) = TestCompilation.Generate(TestCompilation.Create(TestCompilation.Usings + """
            [MemoryProfile(4)]
            public partial class M : Module<Tensor, Tensor>
            {
                private readonly ModuleList<Module<Tensor, Tensor>> layers = new();
                public M() : base("m")
                {
                    for (var i = 0; i < 1500; i++) layers.Add(Linear(4, 4));
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => x;
            }
            """));
        Assert.DoesNotContain(generatorDiagnostics.Concat(TestCompilation.Analyze(output)), d => d.Id is "TBG900" or "AD0001");
        Assert.Contains("ParameterCount = 30000L", generated.Single()); // 1500 × (4×4 + 4)
        Assert.Contains("new global::TorchBudget.GeneratedLayer(\"layers.1499\"", generated.Single());
    }

    /// <summary>
    /// Found while reducing the case above: ModuleList's append is append(params T[]) in TorchSharp 0.107, which the
    /// interpreter did not recognize, and the unmodeled call on the list was dropped, so the report said 0
    /// parameters and claimed to be complete. The expected count is TorchSharp's own, from the same module.
    /// </summary>
    [Fact]
    public void ModuleList_append_registers_its_items_as_TorchSharp_does()
    {
        var expected = new AppendingModel().parameters().Sum(p => p.numel());
        var (_, generated, _) = TestCompilation.Generate(TestCompilation.Create(TestCompilation.Usings + """
            [MemoryProfile(4)]
            public partial class M : Module<Tensor, Tensor>
            {
                private readonly ModuleList<Module<Tensor, Tensor>> layers = new();
                public M() : base("m")
                {
                    for (var i = 0; i < 3; i++) layers.append(Linear(4, 4));
                    layers.append(Linear(4, 2), Linear(2, 1));
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => x;
            }
            """));
        Assert.Equal(73, expected); // 3 × 20 + 10 + 3
        Assert.Contains($"ParameterCount = {expected}L", generated.Single());
    }

    /// <summary>The model of the test above, run by TorchSharp itself.</summary>
    private sealed class AppendingModel : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
    {
        private readonly TorchSharp.Modules.ModuleList<TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>> layers = new();

        public AppendingModel() : base("m")
        {
            for (var i = 0; i < 3; i++) layers.append(TorchSharp.torch.nn.Linear(4, 4));
            layers.append(TorchSharp.torch.nn.Linear(4, 2), TorchSharp.torch.nn.Linear(2, 1));
            RegisterComponents();
        }

        public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => x;
    }

    /// <summary>A void call on a container that the interpreter does not model may change what it holds: no complete report.</summary>
    [Fact]
    public void An_unmodeled_call_that_fills_a_container_leaves_the_report_incomplete()
    {
        var (complete, ids, messages) = Run("""
            [MemoryProfile(4)]
            public partial class M : Module<Tensor, Tensor>
            {
                private readonly ModuleList<Module<Tensor, Tensor>> layers = new();
                public M() : base("m")
                {
                    layers.Insert(0, Linear(4, 4));
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => x;
            }
            """);
        Assert.False(complete);
        Assert.Contains("TBG004", ids);
        Assert.Contains(messages, m => m.Contains("'Insert()' on the module is not modeled"));
    }

    /// <summary>Found as "handwritten 'deep nesting'": Sequential(m, ReLU()) wrapped 20,000 times took 24 s per
    /// analysis (layer names grow with depth, and naming, counting and forward recurse per level).</summary>
    [Fact]
    public void Modules_nested_thousands_deep_are_reported_as_not_analyzable()
    {
        var (complete, ids, messages) = Run("""
            [MemoryProfile(4)]
            public partial class M : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> body;
                public M() : base("m")
                {
                    Module<Tensor, Tensor> m = Linear(4, 4);
                    for (var i = 0; i < 20000; i++) m = Sequential(m, ReLU());
                    body = m;
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => body.forward(x);
            }
            """);
        Assert.False(complete);
        Assert.Equal(new[] { "TBG004" }, ids);
        Assert.Contains("modules nested more than 500 deep", messages.Single());
    }
}

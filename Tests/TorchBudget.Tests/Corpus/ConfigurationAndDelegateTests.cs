using System.Collections.Generic;
using System.Linq;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Corpus;

/// <summary>
/// Models written the way public TorchSharp code writes them (../shared/notes/real-world-code.md): sizes from
/// configuration records, options classes behind an IOptions-style wrapper, objects typed as an interface or a base
/// class, blocks made by lambdas and method groups. Each is compiled with the generator and run for real at batch 1 and
/// an odd batch: the counts against TorchSharp's parameters(), every row against the CPU allocation counter.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class ConfigurationAndDelegateTests(ITestOutputHelper output)
{
    /// <summary>A model's whole source (with any helper types), its class name written as {0}.</summary>
    private sealed record Case(string Name, string Source, long Batch);

    private static readonly Case[] Cases =
    {
        new("RecordConfig", """
            public sealed record MlpConfig{0}(long Input, long Hidden, long Classes, double Dropout = 0.1);
            [MemoryProfile(32)]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly Sequential net;
                public {0}() : this(new MlpConfig{0}(32, 64, 5)) { }
                public {0}(MlpConfig{0} config) : base(nameof({0}))
                {
                    net = Sequential(Linear(config.Input, config.Hidden), ReLU(), Dropout(config.Dropout), Linear(config.Hidden, config.Classes));
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => net.forward(x);
            }
            """, 5),
        new("RecordWith", """
            public sealed record Widths{0}(long Hidden, int Depth) { public long Classes { get; init; } = 3; }
            [MemoryProfile(12)]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly ModuleList<Module<Tensor, Tensor>> layers = new();
                private readonly Linear input;
                private readonly Linear head;
                public {0}() : this(new Widths{0}(8, 1) with { Depth = 3, Classes = 4 }) { }
                public {0}(Widths{0} w) : base(nameof({0}))
                {
                    input = Linear(12, w.Hidden);
                    for (var i = 0; i < w.Depth; i++) layers.Add(Linear(w.Hidden, w.Hidden));
                    head = Linear(w.Hidden, w.Classes);
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x)
                {
                    var h = functional.relu(input.forward(x));
                    foreach (var layer in layers) h = functional.relu(layer.forward(h));
                    return head.forward(h);
                }
            }
            """, 7),
        new("OptionsWrapper", """
            public class EncoderOptions{0}
            {
                public long Width { get; set; } = 48;
                public int Depth { get; init; } = 3;
                public long Classes { get; set; } = 4;
            }
            public interface IOptions{0}<T> { T Value { get; } }
            public sealed class Options{0}<T>(T value) : IOptions{0}<T> { public T Value { get; } = value; }
            [MemoryProfile(16)]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly ModuleList<Module<Tensor, Tensor>> layers = new();
                private readonly Linear input;
                private readonly Linear head;
                public {0}() : this(new Options{0}<EncoderOptions{0}>(new EncoderOptions{0} { Width = 40, Depth = 2 })) { }
                public {0}(IOptions{0}<EncoderOptions{0}> options) : base(nameof({0}))
                {
                    var o = options.Value;
                    input = Linear(16, o.Width);
                    for (var i = 0; i < o.Depth; i++) layers.Add(Linear(o.Width, o.Width));
                    head = Linear(o.Width, o.Classes);
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x)
                {
                    var h = functional.relu(input.forward(x));
                    foreach (var layer in layers) h = functional.relu(layer.forward(h));
                    return head.forward(h);
                }
            }
            """, 3),
        new("InterfaceConfig", """
            public interface ISizes{0} { long Hidden { get; } long Scaled(long factor); }
            public sealed class WideSizes{0} : ISizes{0} { public long Hidden => 24; public long Scaled(long factor) => Hidden * factor; }
            public abstract class Head{0} { public abstract long Classes { get; } }
            public sealed class TenWay{0} : Head{0} { public override long Classes => 10; }
            [MemoryProfile(6)]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly Sequential net;
                public {0}() : this(new WideSizes{0}(), new TenWay{0}()) { }
                public {0}(ISizes{0} sizes, Head{0} head) : base(nameof({0}))
                {
                    net = Sequential(Linear(6, sizes.Hidden), Tanh(), Linear(sizes.Hidden, sizes.Scaled(2)), Linear(sizes.Scaled(2), head.Classes));
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => net.forward(x);
            }
            """, 9),
        new("StructConfig", """
            public struct Dims{0}
            {
                public long In;
                public long Out;
                public Dims{0}(long i, long o) { In = i; Out = o; }
                public long Mid => (In + Out) / 2;
            }
            [MemoryProfile(10)]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly Sequential net;
                public {0}() : base(nameof({0}))
                {
                    var d = new Dims{0}(10, 4);
                    var wider = d;          // a copy: writing it leaves d as it was
                    wider.Out = 40;
                    net = Sequential(Linear(d.In, d.Mid), GELU(), Linear(d.Mid, d.Out));
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => net.forward(x);
            }
            """, 5),
        new("LambdaBlocks", """
            [MemoryProfile(20)]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly Sequential body;
                public {0}() : this(() => GELU()) { }
                public {0}(System.Func<Module<Tensor, Tensor>> activation) : base(nameof({0}))
                {
                    System.Func<long, long, Module<Tensor, Tensor>> block = (i, o) => Sequential(Linear(i, o), activation());
                    body = Sequential(block(20, 32), block.Invoke(32, 32), Linear(32, 3));
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => body.forward(x);
            }
            """, 3),
        new("MethodGroupFactory", """
            public sealed class Block{0} : Module<Tensor, Tensor>
            {
                private readonly Linear fc;
                public Block{0}(long width) : base("block") { fc = Linear(width, width); RegisterComponents(); }
                public static Block{0} Create(long width) => new Block{0}(width);
                public override Tensor forward(Tensor x) => functional.relu(fc.forward(x)) + x;
            }
            [MemoryProfile(24)]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly Sequential stage;
                private readonly Linear head = Linear(24, 6);
                public {0}() : base(nameof({0})) { stage = MakeStage(Block{0}.Create, 24, 3); RegisterComponents(); }
                private static Sequential MakeStage(System.Func<long, Module<Tensor, Tensor>> make, long width, int count)
                {
                    var s = Sequential();
                    for (var i = 0; i < count; i++) s.append(make(width));
                    return s;
                }
                public override Tensor forward(Tensor x) => head.forward(stage.forward(x));
            }
            """, 5),
        // A VAE encoder's (mean, logVar): the loss takes the first, the second stays alive and its layer gets no gradient.
        new("TupleOutput", """
            [MemoryProfile(12, Loss = LossKind.Mse)]
            public partial class {0} : Module<Tensor, (Tensor, Tensor)>
            {
                private readonly Linear hidden = Linear(12, 16);
                private readonly Linear mean = Linear(16, 4);
                private readonly Linear logVar = Linear(16, 4);
                public {0}() : base(nameof({0})) => RegisterComponents();
                public override (Tensor, Tensor) forward(Tensor x)
                {
                    var h = functional.relu(hidden.forward(x));
                    return (mean.forward(h), logVar.forward(h));
                }
            }
            """, 5),
        // (features, logits) with the loss on the second result.
        new("TupleSecondOutput", """
            [MemoryProfile(7, 5, LossOutput = 1)]
            public partial class {0} : Module<Tensor, (Tensor, Tensor)>
            {
                private readonly Linear embed = Linear(5, 6);
                private readonly Linear head = Linear(42, 3);
                public {0}() : base(nameof({0})) => RegisterComponents();
                public override (Tensor, Tensor) forward(Tensor x)
                {
                    var features = functional.silu(embed.forward(x));
                    return (features, head.forward(features.flatten(1)));
                }
            }
            """, 3),
        // Sizes from a Dictionary looked up by a lower-cased name, an activation from a switch expression, tuple deconstruction.
        new("TableAndSwitch", """
            [MemoryProfile(10, Arguments = new object[] { "Small", "gelu" })]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private static readonly System.Collections.Generic.Dictionary<string, long[]> Sizes = new()
                {
                    ["small"] = new long[] { 16, 8 },
                    ["large"] = new long[] { 64, 32 },
                };
                private readonly Sequential net;
                public {0}() : this("Small", "gelu") { }  // what the harness builds: the profiled arguments
                public {0}(string size, string act) : base(nameof({0}))
                {
                    var widths = Sizes[size.ToLower()];
                    Module<Tensor, Tensor> Act() => act switch { "relu" => ReLU(), "gelu" => GELU(), _ => Tanh() };
                    var (a, b) = (widths[0], widths[1]);
                    net = Sequential(Linear(10, a), Act(), Linear(a, b), Act(), Linear(b, 2));
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => net.forward(x);
            }
            """, 5),
        // A sinusoidal positional-encoding table written by index in the constructor, registered as a buffer.
        new("PositionalTable", """
            [MemoryProfile(10, InputDType = ScalarType.Int64)]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly Embedding embed = Embedding(50, 16);
                private readonly Tensor pe;
                private readonly Linear head = Linear(16, 3);
                public {0}() : base(nameof({0}))
                {
                    pe = zeros(10, 16);
                    var position = arange(0, 10, dtype: ScalarType.Float32).unsqueeze(1);
                    var div = exp(arange(0, 16, 2, dtype: ScalarType.Float32) * (-System.Math.Log(10000.0) / 16));
                    pe[TensorIndex.Colon, TensorIndex.Slice(0, null, 2)] = sin(position * div);
                    pe[TensorIndex.Colon, TensorIndex.Slice(1, null, 2)] = cos(position * div);
                    register_buffer("pe", pe);
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => head.forward((embed.forward(x) + pe).mean(new long[] { 1 }));
            }
            """, 3),
        // A constructor that runs the feature extractor on a dummy input to learn the flattened size for the head.
        new("DummyForwardSize", """
            [MemoryProfile(1, 20, 20)]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly Sequential features;
                private readonly Linear head;
                public {0}() : base(nameof({0}))
                {
                    features = Sequential(Conv2d(1, 20, 5), ReLU(), MaxPool2d(2), Flatten());
                    long flat;
                    using (no_grad()) flat = features.forward(zeros(1, 1, 20, 20)).shape[1];
                    head = Linear(flat, 10);
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => head.forward(features.forward(x));
            }
            """, 3),
        // No constructor an attribute can express (a record and a lambda): the profile names a factory method instead.
        new("FactoryMethod", """
            public sealed record Spec{0}(long Width, int Blocks);
            [MemoryProfile(14, Factory = nameof(CreateForProfile))]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly ModuleList<Module<Tensor, Tensor>> blocks = new();
                private readonly Linear head;
                private {0}(Spec{0} spec, System.Func<long, Module<Tensor, Tensor>> block) : base(nameof({0}))
                {
                    for (var i = 0; i < spec.Blocks; i++) blocks.Add(block(spec.Width));
                    head = Linear(spec.Width, 4);
                    RegisterComponents();
                }
                private static {0} CreateForProfile() => new(new Spec{0}(14, 2), w => Sequential(Linear(w, w), SiLU()));
                public override Tensor forward(Tensor x)
                {
                    foreach (var b in blocks) x = b.forward(x) + x;
                    return head.forward(x);
                }
            }
            """, 5),
        // forward iterating the registered children, with dropout only while training.
        new("ChildrenLoop", """
            [MemoryProfile(12)]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly Linear a = Linear(12, 16);
                private readonly Linear b = Linear(16, 16);
                private readonly Linear c = Linear(16, 4);
                private readonly Dropout drop = Dropout(0.2);
                public {0}() : base(nameof({0})) => RegisterComponents();
                public override Tensor forward(Tensor x)
                {
                    foreach (var (name, child) in named_children())
                    {
                        if (name == "drop") continue;
                        x = ((Module<Tensor, Tensor>)child).forward(x);
                        if (training && name != "c") x = drop.forward(x);
                    }
                    return x;
                }
            }
            """, 5),
        // `using var` in forward frees each intermediate when forward returns, unless autograd saved it.
        new("UsingVarForward", """
            [MemoryProfile(10)]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly Linear a = Linear(10, 24);
                private readonly Linear b = Linear(24, 24);
                private readonly Linear head = Linear(24, 3);
                public {0}() : base(nameof({0})) => RegisterComponents();
                public override Tensor forward(Tensor x)
                {
                    using var h = a.forward(x);
                    using var scaled = h * 2.0;
                    using (var g = functional.gelu(b.forward(scaled)))
                    {
                        using var shifted = g + 1.0;
                        return head.forward(shifted.tanh());
                    }
                }
            }
            """, 5),
    };

    public static IEnumerable<object[]> Names => Cases.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(Names))]
    public void Counts_and_every_row_equal_the_real_model(string name)
    {
        var c = Cases.Single(k => k.Name == name);
        var problems = ExactRows.Problems(c.Name, c.Source, c.Batch, "corpus", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

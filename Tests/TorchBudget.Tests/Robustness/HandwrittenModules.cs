using System.Collections.Generic;

namespace TorchBudget.Tests.Robustness;

/// <summary>
/// Modules written for the shapes the zoo does not have: recursion between modules, generics, nesting, partial
/// classes split over files, every namespace form, null fields, huge and non-constant sizes, missing arguments,
/// odd attributes. «S» marks a size and «N» a count; <see cref="CaseFactory"/> fills each mark on its own from
/// <see cref="MutationPools.Sizes"/> and <see cref="MutationPools.Counts"/>. Every file gets the usings of the
/// other generator tests.
/// </summary>
internal static class HandwrittenModules
{
    public static readonly (string Name, string[] Files)[] All =
    {
        ("A holds B holds A", new[] { """
            namespace Hand;
            [MemoryProfile(«S»)]
            public partial class A : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> b = new B();
                private readonly Module<Tensor, Tensor> fc = Linear(«S», «S»);
                public A() : base("a") => RegisterComponents();
                public override Tensor forward(Tensor x) => b.forward(fc.forward(x));
            }
            public class B : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> a = new A();
                public B() : base("b") => RegisterComponents();
                public override Tensor forward(Tensor x) => a.forward(x);
            }
            """ }),
        ("a module that builds itself to a depth", new[] { """
            namespace Hand;
            [MemoryProfile(«S», Arguments = new object[] { «N» })]
            public partial class Tree : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor>? child;
                private readonly Module<Tensor, Tensor> fc = Linear(«S», «S»);
                public Tree(long depth) : base("tree")
                {
                    if (depth != 0) child = new Tree(depth - 1);
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => child is null ? fc.forward(x) : child.forward(fc.forward(x));
            }
            """ }),
        ("generic module and a generic submodule", new[] { """
            namespace Hand;
            [MemoryProfile(«S»)]
            public partial class Generic<T> : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> fc = Linear(«S», «S»);
                public Generic() : base("g") => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.forward(x);
            }
            public class Wrapper<T> : Module<Tensor, Tensor> where T : new()
            {
                private readonly Module<Tensor, Tensor> fc = Linear(«S», «S»);
                public Wrapper() : base("w") => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.forward(x);
            }
            [MemoryProfile(«S»)]
            public partial class UsesGeneric : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> inner = new Wrapper<object>();
                public UsesGeneric() : base("u") => RegisterComponents();
                public override Tensor forward(Tensor x) => inner.forward(x);
            }
            """ }),
        ("nested in a generic, a struct and a non-partial class", new[] { """
            namespace Hand
            {
                public partial class Outer<T>
                {
                    public partial struct Middle
                    {
                        [MemoryProfile(«S»)]
                        public partial class Inner : Module<Tensor, Tensor>
                        {
                            private readonly Module<Tensor, Tensor> fc = Linear(«S», «S»);
                            public Inner() : base("i") => RegisterComponents();
                            public override Tensor forward(Tensor x) => fc.forward(x);
                        }
                    }
                }
                public class Closed
                {
                    [MemoryProfile(«S»)]
                    public partial class Inner : Module<Tensor, Tensor>
                    {
                        private readonly Module<Tensor, Tensor> fc = Linear(«S», «S»);
                        public Inner() : base("i") => RegisterComponents();
                        public override Tensor forward(Tensor x) => fc.forward(x);
                    }
                }
            }
            """ }),
        ("partial across two files", new[] { """
            namespace Hand;
            [MemoryProfile(«S»)]
            public partial class Split : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> first = Linear(«S», «S»);
                public override Tensor forward(Tensor x) => second.forward(first.forward(x));
            }
            """, """
            namespace Hand
            {
                public partial class Split
                {
                    private readonly Module<Tensor, Tensor> second = Linear(«S», «S»);
                    public Split() : base("split") => RegisterComponents();
                }
            }
            """ }),
        ("the global namespace and a file-scoped one", new[] { """
            [MemoryProfile(«S»)]
            public partial class GlobalModel : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> fc = Linear(«S», «S»);
                public GlobalModel() : base("g") => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.forward(x);
            }
            """, """
            namespace Hand.Deep.Er;
            [TorchBudget.MemoryProfileAttribute(«S»)]
            public sealed partial class FileScoped : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> fc = Linear(«S», «S»);
                public FileScoped() : base(nameof(FileScoped)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.forward(x);
            }
            """ }),
        ("null fields", new[] { """
            namespace Hand;
            [MemoryProfile(«S»)]
            public partial class Nulls : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor>? maybe = null;
                private readonly Module<Tensor, Tensor> forced = null!;
                private Parameter? weight = null;
                private Tensor? buffer = default;
                private readonly Module<Tensor, Tensor> fc = Linear(«S», «S»);
                public Nulls() : base("n")
                {
                    fc = null!;
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => forced.forward(maybe!.forward(fc.forward(x)));
            }
            """ }),
        ("huge sizes", new[] { """
            namespace Hand;
            [MemoryProfile(long.MaxValue, «S»)]
            public partial class Huge : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> fc = Linear(int.MaxValue, int.MaxValue);
                private readonly Module<Tensor, Tensor> embed = Embedding(long.MaxValue, «S»);
                private readonly Module<Tensor, Tensor> conv = Conv2d(«S», long.MaxValue, «S»);
                private readonly Parameter p = Parameter(torch.zeros(long.MaxValue, long.MaxValue));
                public Huge() : base("h") => RegisterComponents();
                public override Tensor forward(Tensor x) => conv.forward(embed.forward(fc.forward(x)));
            }
            """ }),
        ("non-constant sizes", new[] { """
            namespace Hand;
            [MemoryProfile(«S»)]
            public partial class FromOutside : Module<Tensor, Tensor>
            {
                private static readonly long Width = long.Parse(Environment.GetEnvironmentVariable("WIDTH") ?? "3");
                private static long Counter;
                private readonly Module<Tensor, Tensor> fc = Linear(Width, Environment.ProcessorCount);
                private readonly Module<Tensor, Tensor> fc2 = Linear(++Counter, new Random().Next(«S»));
                public FromOutside() : base("f") => RegisterComponents();
                public override Tensor forward(Tensor x) => fc2.forward(fc.forward(x));
            }
            """ }),
        ("missing arguments", new[] { """
            namespace Hand;
            [MemoryProfile(«S»)]
            public partial class Missing : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> fc = Linear(«S»);
                private readonly Module<Tensor, Tensor> conv = Conv2d(«S», «S»);
                private readonly Module<Tensor, Tensor> seq = Sequential();
                private readonly Module<Tensor, Tensor> lstm = LSTM();
                private readonly Module<Tensor, Tensor> norm = BatchNorm2d();
                public Missing() : base() => RegisterComponents();
                public override Tensor forward(Tensor x) => seq.forward(conv.forward(fc.forward()));
            }
            """ }),
        ("garbage attribute arguments", new[] { """
            namespace Hand;
            [MemoryProfile(«S», «S», DType = (ScalarType)«N», BatchSizes = new long[] { «N», «S» },
                Arguments = new object[] { «S», null, "x", typeof(int) })]
            [MemoryBudget("«S» bananas", BatchSize = «N», SafetyFactor = -«N»)]
            public partial class Garbage : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> fc;
                public Garbage(long width, object? odd = null, string name = "g", Type? type = null) : base(name)
                {
                    fc = Linear(width, width);
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x) => fc.forward(x);
            }
            """ }),
        ("many repetitions in a loop", new[] { """
            namespace Hand;
            [MemoryProfile(«S»)]
            public partial class Repeated : Module<Tensor, Tensor>
            {
                private readonly ModuleList<Module<Tensor, Tensor>> layers = new();
                public Repeated() : base("r")
                {
                    for (long i = 0; i < «N»; i++) layers.append(Linear(«S», «S»));
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x)
                {
                    foreach (var layer in layers) x = layer.forward(x);
                    return x;
                }
            }
            """ }),
        ("constructor chains that cycle and recursive properties", new[] { """
            namespace Hand;
            [MemoryProfile(«S»)]
            public partial class Cycles : Module<Tensor, Tensor>
            {
                private static long Width => Width + 1;
                private readonly Module<Tensor, Tensor> fc;
                public Cycles() : this(«S») { }
                public Cycles(long n) : this() { fc = Linear(n, Width); RegisterComponents(); }
                public override Tensor forward(Tensor x) => fc.forward(x);
            }
            """ }),
        ("derived from a user base module", new[] { """
            namespace Hand;
            public abstract class BaseNet : Module<Tensor, Tensor>
            {
                protected readonly Module<Tensor, Tensor> trunk = Linear(«S», «S»);
                protected BaseNet(string name) : base(name) { }
            }
            [MemoryProfile(«S»)]
            public partial class Derived : BaseNet
            {
                private readonly Module<Tensor, Tensor> head = Linear(«S», «S»);
                public Derived() : base("d") => RegisterComponents();
                public override Tensor forward(Tensor x) => head.forward(trunk.forward(x));
            }
            [MemoryProfile(«S»)]
            public abstract partial class AbstractModel : Module<Tensor, Tensor>
            {
                protected AbstractModel() : base("a") { }
            }
            """ }),
        ("not a class, not a module", new[] { """
            namespace Hand;
            [MemoryProfile(«S»)] public partial record Rec(int X);
            [MemoryProfile(«S»)] public static partial class Helpers { }
            [MemoryProfile(«S»)] public partial class NotAModule { public long Size = «S»; }
            [MemoryProfile(«S»)] public partial class TwoInputs : Module<Tensor, Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> fc = Linear(«S», «S»);
                public TwoInputs() : base("t") => RegisterComponents();
                public override Tensor forward(Tensor x, Tensor y) => fc.forward(x + y);
            }
            """ }),
        ("deep nesting and control flow", new[] { """
            namespace Hand;
            [MemoryProfile(«S»)]
            public partial class Deep : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> body;
                public Deep() : base("deep")
                {
                    Module<Tensor, Tensor> m = Linear(«S», «S»);
                    for (var i = 0; i < «N»; i++) m = Sequential(m, ReLU());
                    var k = 0;
                    again:
                    if (k++ < «N») goto again;
                    while (k > «N») k -= 1;
                    body = m;
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x)
                {
                    for (var i = 0; i < «N»; i++) x = body.forward(x);
                    return x;
                }
            }
            """ }),
        ("shapes and dtypes that contradict", new[] { """
            namespace Hand;
            [MemoryProfile(«S», «S», DType = ScalarType.Float64)]
            public partial class Contradicts : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> conv = Conv2d(«S», «S», «S»);
                private readonly Module<Tensor, Tensor> fc = Linear(«S», «S», dtype: ScalarType.Float16);
                private readonly Module<Tensor, Tensor> lstm = LSTM(«S», «S», «N»);
                public Contradicts() : base("c") => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.forward(conv.forward(x).view(«S», -1, -1)).reshape(«S»);
            }
            """ }),
    };
}

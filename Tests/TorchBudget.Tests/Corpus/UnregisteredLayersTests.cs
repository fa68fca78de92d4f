using System.Collections.Generic;
using System.Linq;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Corpus;

/// <summary>
/// Layers kept where RegisterComponents() does not look (a List&lt;T&gt;, an array, a dictionary, a configuration record,
/// a registered block's list, a Sequential's child that never registers its own fields): TorchSharp leaves them out of
/// parameters(), yet their tensors are allocated and backward gives them gradients that stay. Each model is run for real
/// at batch 1 and an odd batch: every row, the Unregistered row and the Peak included, equals the allocation counter and
/// tensor accounting over the fields, and the warning names the field.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class UnregisteredLayersTests(ITestOutputHelper output)
{
    private sealed record Case(string Name, string Source, long Batch, string Diagnostic);

    private static readonly Case[] Cases =
    {
        new("LayerList", """
            [MemoryProfile(16)]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly List<Linear> hidden = new();
                private readonly Linear head;
                public {0}() : base(nameof({0}))
                {
                    for (var i = 0; i < 2; i++) hidden.Add(Linear(16, 16));
                    head = Linear(16, 4);
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x)
                {
                    foreach (var layer in hidden) x = functional.relu(layer.forward(x));
                    return head.forward(x);
                }
            }
            """, 5, "TBG013"),
        // The second layer of the array is never called: its weights are counted, no gradient for it.
        new("LayerArrayPartlyUsed", """
            [MemoryProfile(12)]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly Linear[] blocks = { Linear(12, 20), Linear(20, 20) };
                private readonly Linear head = Linear(20, 3);
                public {0}() : base(nameof({0})) => RegisterComponents();
                public override Tensor forward(Tensor x) => head.forward(blocks[0].forward(x).tanh());
            }
            """, 3, "TBG013"),
        new("LayersInRecordAndDictionary", """
            public sealed record Parts{0}(Linear Projection, Tensor Table);
            [MemoryProfile(10)]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly Parts{0} parts = new(Linear(10, 6), torch.zeros(7, 3));
                private readonly Dictionary<string, Module<Tensor, Tensor>> heads = new() { ["a"] = Linear(6, 2), ["b"] = Linear(6, 5) };
                public {0}() : base(nameof({0})) => RegisterComponents();
                public override Tensor forward(Tensor x) => heads["b"].forward(functional.gelu(parts.Projection.forward(x)));
            }
            """, 7, "TBG013"),
        // A registered block's own List field: the block is registered, the layers in its list are not.
        new("ListInRegisteredBlock", """
            public class Block{0} : Module<Tensor, Tensor>
            {
                private readonly List<Module<Tensor, Tensor>> steps = new() { Linear(8, 8), ReLU(), Linear(8, 8) };
                private readonly LayerNorm norm = LayerNorm(8);
                public Block{0}() : base("block") => RegisterComponents();
                public override Tensor forward(Tensor x)
                {
                    foreach (var step in steps) x = step.forward(x);
                    return norm.forward(x);
                }
            }
            [MemoryProfile(4, 8)]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly Block{0} block = new();
                private readonly Linear head = Linear(32, 3);
                public {0}() : base(nameof({0})) => RegisterComponents();
                public override Tensor forward(Tensor x) => head.forward(block.forward(x).flatten(1));
            }
            """, 5, "TBG013"),
        // A child that never calls RegisterComponents(), inside a Sequential (which does not register its fields): TBG007.
        new("ChildNeverRegisters", """
            public class Child{0} : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> fc = Linear(6, 9);
                public Child{0}() : base("child") { }
                public override Tensor forward(Tensor x) => fc.forward(x);
            }
            [MemoryProfile(6)]
            public partial class {0} : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> body = Sequential(new Child{0}(), ReLU());
                private readonly Linear head = Linear(9, 2);
                public {0}() : base(nameof({0})) => RegisterComponents();
                public override Tensor forward(Tensor x) => head.forward(body.forward(x));
            }
            """, 3, "TBG007"),
    };

    public static IEnumerable<object[]> Names => Cases.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(Names))]
    public void The_unregistered_row_and_every_other_equal_the_real_model(string name)
    {
        var c = Cases.Single(k => k.Name == name);
        var problems = ExactRows.Problems(c.Name, c.Source, c.Batch, "unregistered", output.WriteLine, c.Diagnostic);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

using System.Collections.Generic;
using System.Linq;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Inputs;

/// <summary>
/// Forwards that take several tensors and other arguments ([MemoryInput], ForwardArguments), compiled with the generator,
/// then run for real by the harness under the CPU allocation counter at batch 1 and an odd batch: every row the report
/// claims, Input and Peak included, must equal the measurement to the byte.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class SeveralInputsTests(ITestOutputHelper output)
{
    /// <summary>A profiled model's whole source, its class name written as {0}.</summary>
    private sealed record Case(string Name, string Source, long Batch);

    private static readonly Case[] Cases =
    {
        // Tokens and a float mask over them: a masked bag of embeddings.
        new("MaskedBag", """
            [MemoryProfile(12, InputDType = ScalarType.Int64)]
            [MemoryInput(1, 12)]
            public partial class {0} : Module<Tensor, Tensor, Tensor>
            {
                private readonly Embedding embed = Embedding(100, 16);
                private readonly Linear head = Linear(16, 3);
                public {0}() : base(nameof({0})) => RegisterComponents();
                public override Tensor forward(Tensor tokens, Tensor mask)
                {
                    var h = embed.forward(tokens) * mask.unsqueeze(-1);
                    return head.forward(h.sum(1));
                }
            }
            """, 5),
        // An image and a vector of features, joined after their own layers.
        new("ImageAndFeatures", """
            [MemoryProfile(4, 6)]
            [MemoryInput(1, 5)]
            public partial class {0} : Module<Tensor, Tensor, Tensor>
            {
                private readonly Linear pixels = Linear(24, 10);
                private readonly Linear features = Linear(5, 7);
                private readonly Linear head = Linear(17, 4);
                public {0}() : base(nameof({0})) => RegisterComponents();
                public override Tensor forward(Tensor image, Tensor extra)
                {
                    var a = functional.relu(pixels.forward(image.flatten(1)));
                    var b = functional.tanh(features.forward(extra));
                    return head.forward(cat(new[] { a, b }, 1));
                }
            }
            """, 3),
        // An input and a state, a step count and a flag from ForwardArguments.
        new("UnrolledCell", """
            [MemoryProfile(6, Loss = LossKind.Mse, ForwardArguments = new object[] { null, null, 3, true })]
            [MemoryInput(1, 9)]
            public partial class {0} : Module<Tensor, Tensor, long, bool, Tensor>
            {
                private readonly Linear input = Linear(6, 9);
                private readonly Linear recurrent = Linear(9, 9);
                public {0}() : base(nameof({0})) => RegisterComponents();
                public override Tensor forward(Tensor x, Tensor h, long steps, bool residual)
                {
                    var state = h;
                    for (var i = 0; i < steps; i++) state = functional.tanh(input.forward(x) + recurrent.forward(state));
                    return residual ? state + h : state;
                }
            }
            """, 7),
        // Source and target token ids: an encoder summary conditions every target position.
        new("TinySeq2Seq", """
            [MemoryProfile(7, InputDType = ScalarType.Int64, Loss = LossKind.SequenceCrossEntropy)]
            [MemoryInput(1, 5, DType = ScalarType.Int64)]
            public partial class {0} : Module<Tensor, Tensor, Tensor>
            {
                private readonly Embedding source = Embedding(30, 8);
                private readonly Embedding target = Embedding(20, 8);
                private readonly Linear head = Linear(8, 20);
                public {0}() : base(nameof({0})) => RegisterComponents();
                public override Tensor forward(Tensor src, Tensor tgt)
                {
                    var memory = source.forward(src).mean(new long[] { 1 }, keepdim: true);
                    return head.forward(target.forward(tgt) + memory);
                }
            }
            """, 3),
        // A forward argument left to its declared default.
        new("ScaledSum", """
            [MemoryProfile(10)]
            [MemoryInput(1, 10)]
            public partial class {0} : Module<Tensor, Tensor, double, Tensor>
            {
                private readonly Linear left = Linear(10, 6);
                private readonly Linear right = Linear(10, 6);
                public {0}() : base(nameof({0})) => RegisterComponents();
                public override Tensor forward(Tensor a, Tensor b, double scale = 0.5) => left.forward(a) + right.forward(b) * scale;
            }
            """, 9),
        // A Bool mask, as attention code passes one.
        new("BoolMask", """
            [MemoryProfile(8, 4)]
            [MemoryInput(1, 8, DType = ScalarType.Bool)]
            public partial class {0} : Module<Tensor, Tensor, Tensor>
            {
                private readonly Linear proj = Linear(4, 4);
                private readonly Linear head = Linear(4, 2);
                public {0}() : base(nameof({0})) => RegisterComponents();
                public override Tensor forward(Tensor x, Tensor keep)
                {
                    var h = proj.forward(x) * keep.unsqueeze(-1);
                    return head.forward(h.sum(1));
                }
            }
            """, 5),
    };

    public static IEnumerable<object[]> Names => Cases.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryRowEqualsTheMeasurement(string name)
    {
        var c = Cases.Single(k => k.Name == name);
        var problems = ExactRows.Problems(c.Name, c.Source, c.Batch, "inputs", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

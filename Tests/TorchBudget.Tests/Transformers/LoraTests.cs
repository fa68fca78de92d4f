using System.Collections.Generic;
using System.Linq;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Transformers;

/// <summary>
/// A frozen base with small trainable adapters (LoRA as ports write it: y = W x + B(A x) · scale, W frozen, A and B
/// trainable Parameters) in a nanoGPT-style block, trained with AdamW: Gradients cover only the adapters, and
/// OptimizerState too where the optimizer is given only the trainable parameters (TorchSharp's optimizers make state
/// for every parameter they are given). Compiled with the generator and run for real: every row equals the allocation
/// counter at batch 1 and an odd batch.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class LoraTests(ITestOutputHelper output)
{
    private const string Source = """
        public class LoraLinear{0} : Module<Tensor, Tensor>
        {
            private readonly Linear base_;
            private readonly Parameter a, b;
            private readonly double scale;
            public LoraLinear{0}(long inputs, long outputs, long rank) : base("lora")
            {
                base_ = Linear(inputs, outputs);
                foreach (var p in base_.parameters()) p.requires_grad = false;
                a = Parameter(torch.randn(rank, inputs) * 0.01);
                b = Parameter(torch.zeros(outputs, rank));
                scale = 2.0 / rank;
                RegisterComponents();
            }
            public override Tensor forward(Tensor x) => base_.forward(x) + x.matmul(a.t()).matmul(b.t()) * scale;
        }
        [MemoryProfile(12, InputDType = ScalarType.Int64, Loss = LossKind.SequenceCrossEntropy, Optimizer = OptimizerKind.AdamW,
            OptimizerParameters = OptimizerParameters.{1}, Factory = nameof(Create))]
        public partial class {0} : Module<Tensor, Tensor>
        {
            private readonly Embedding wte;
            private readonly LayerNorm ln;
            private readonly LoraLinear{0} q, v;
            private readonly Linear head;
            public static {0} Create()
            {
                var model = new {0}(40, 32, 4);
                foreach (var p in model.wte.parameters().Concat(model.head.parameters()).Concat(model.ln.parameters())) p.requires_grad = false;
                return model;
            }
            public {0}(long vocab, long width, long rank) : base(nameof({0}))
            {
                wte = Embedding(vocab, width);
                ln = LayerNorm(width);
                q = new LoraLinear{0}(width, width, rank);
                v = new LoraLinear{0}(width, width, rank);
                head = Linear(width, vocab, hasBias: false);
                RegisterComponents();
            }
            public override Tensor forward(Tensor idx)
            {
                var x = ln.forward(wte.forward(idx));
                var att = functional.softmax(q.forward(x).matmul(x.transpose(1, 2)), -1);
                return head.forward(x + att.matmul(v.forward(x)));
            }
        }
        """;

    [Theory]
    [InlineData("Trainable")]
    [InlineData("All")]
    public void Adapters_alone_get_gradients_and_every_row_is_exact(string optimizerParameters)
    {
        var name = "Lora" + optimizerParameters;
        var problems = ExactRows.Problems(name, Source.Replace("{1}", optimizerParameters), 3, "transformers", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

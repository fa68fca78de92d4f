using System;
using System.Collections.Generic;
using System.Linq;
using TorchBudget.Harness;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Losses;

/// <summary>
/// The training step with each <see cref="LossKind"/>: models whose output each loss takes, compiled with the generator,
/// then run for real under the CPU allocation counter at batch 1 and a larger odd batch. Every row the report claims,
/// Peak included, must equal the measurement to the byte.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class LossStepTests(ITestOutputHelper output)
{
    /// <summary>A profiled model: its attribute arguments, its fields and its forward's body.</summary>
    private sealed record Case(string Name, string Attribute, string Fields, string Forward, long Batch);

    private static readonly Case[] Cases =
    {
        // An autoencoder's reconstruction, three ways.
        new("AutoencoderMse", "12, Loss = LossKind.Mse", Mlp(12, 5, 12), "return net.forward(x);", 7),
        new("AutoencoderL1", "12, Loss = LossKind.L1", Mlp(12, 5, 12), "return net.forward(x);", 7),
        new("MultiLabelBce", "9, Loss = LossKind.BceWithLogits", Mlp(9, 6, 4), "return net.forward(x);", 5),
        // A single logit, as [B] after squeeze: the loss takes a rank-1 output.
        new("SingleLogitBce", "6, Loss = LossKind.BceWithLogits", Mlp(6, 4, 1), "return net.forward(x).squeeze(1);", 3),
        // Regression onto a [B, 2, 3] grid; the output is large enough (≥ 32,768 elements at batch 9) for the mean to split.
        new("GridMse", "16, Loss = LossKind.Mse", Mlp(16, 8, 6), "return net.forward(x).view(-1, 2, 3);", 9),
        new("WideMse", "4, Loss = LossKind.Mse", Mlp(4, 3, 4000), "return net.forward(x);", 9),
        // Per-pixel classes [B, C, H, W] with labels [B, H, W].
        new("Segmentation", "3, 6, 5, Loss = LossKind.CrossEntropy",
            PixelMlp, "return net.forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2).contiguous();", 3),
        new("SegmentationMse", "3, 6, 5, Loss = LossKind.Mse",
            PixelMlp, "return net.forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2).contiguous();", 3),
        // A language model's [B, T, V] logits with labels [B, T].
        new("TokenLogits", "5, InputDType = ScalarType.Int64, Loss = LossKind.SequenceCrossEntropy",
            "private readonly Module<Tensor, Tensor> embed = Embedding(11, 6);\n"
                + "    private readonly Module<Tensor, Tensor> head = Linear(6, 11);",
            "return head.forward(embed.forward(x));", 4),
        // Log-probabilities into nll_loss.
        new("LogProbabilitiesNll", "10, Loss = LossKind.Nll", Mlp(10, 8, 3), "return functional.log_softmax(net.forward(x), 1);", 5),
        // cross_entropy's backward is the step's peak here: the output dwarfs the weights.
        new("WideClassifier", "2", Mlp(2, 3, 5000), "return net.forward(x);", 6),
        // Other parameter types: the optimizer step's scalars follow them (the peak here).
        new("DoubleMse", "7, DType = ScalarType.Float64, InputDType = ScalarType.Float64, Loss = LossKind.Mse", Mlp(7, 4, 7),
            "return net.forward(x);", 3),
        new("HalfClassifier", "7, DType = ScalarType.Float16, InputDType = ScalarType.Float16", Mlp(7, 4, 9), "return net.forward(x);", 3),
    };

    /// <summary>
    /// Forward not followed to its output (cumprod is not modeled yet): the default loss's label is still counted in Input
    /// (the fuzzer's seed 117 found Input without it), and a declared loss's unknown target leaves the memory table
    /// unknown rather than an Input row without it.
    /// </summary>
    [Theory]
    [InlineData("", true)]
    [InlineData(", Loss = LossKind.Mse", false)]
    public void An_unfollowed_output_claims_no_wrong_input_row(string loss, bool inputKnown)
    {
        var name = inputKnown ? "UnfollowedDefault" : "UnfollowedMse";
        var c = new Case(name, "4, 6" + loss,
            "private readonly Module<Tensor, Tensor> f0 = Linear(6, 8);",
            "return f0.forward(x).cumprod(1).flatten(1);", 3);
        var outcome = DifferentialRunner.Run(new[] { new FuzzProgram(name, Source(c, name), new[] { "loss" }, c.Batch) }).Single();
        Assert.Empty(outcome.Mismatches);
        var input = outcome.Training!.Rows.Single(r => r.Name == "Input");
        if (inputKnown) Assert.Equal(input.Measured, input.Predicted);
        else Assert.Null(input.Predicted);
    }

    private const string PixelMlp = "private readonly Module<Tensor, Tensor> net = Sequential(Linear(3, 7), ReLU(), Linear(7, 5));";

    private static string Mlp(int input, int hidden, int output) =>
        $"private readonly Module<Tensor, Tensor> net = Sequential(Linear({input}, {hidden}), ReLU(), Linear({hidden}, {output}));";

    public static IEnumerable<object[]> Names => Cases.Select(c => new object[] { c.Name });

    private static string Source(Case c, string name) => $$"""
        [MemoryProfile({{c.Attribute}})]
        public partial class {{name}} : Module<Tensor, Tensor>
        {
            {{c.Fields}}

            public {{name}}() : base(nameof({{name}})) => RegisterComponents();

            public override Tensor forward(Tensor x)
            {
                {{c.Forward}}
            }
        }
        """;

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryRowEqualsTheMeasurement(string name)
    {
        var c = Cases.Single(k => k.Name == name);
        var problems = ExactRows.Problems(c.Name, Source(c, "{0}"), c.Batch, "loss", output.WriteLine);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

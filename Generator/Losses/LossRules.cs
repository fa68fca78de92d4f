using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Losses;

/// <summary>
/// Every loss the training step can take, one record each (see <see cref="LossRule"/> for the tokens). Each sequence is
/// the allocation counter's log of the call on TorchSharp 0.107 with libtorch 2.10 (CPU, 2 threads), checked on outputs of
/// rank 2 to 5, batch 1 and odd sizes, Float32 and Float64 (Float16 and BFloat16 where FloatTypes is null).
/// </summary>
internal static class LossRules
{
    private static readonly ScalarType[] Measured = { ScalarType.Float32, ScalarType.Float64 };

    public static readonly IReadOnlyList<LossRule> All = new LossRule[]
    {
        // log_softmax's result (kept for backward), the loss and nll's total_weight; backward: the ones gradient of the loss,
        // nll's gradient; total_weight goes; log_softmax's gradient; nll's gradient and log_softmax's result go.
        new(LossKind.CrossEntropy, "cross_entropy(y, labels)", LossTarget.ClassLabels,
            Forward: "+Y +s +s", Backward: "+s +Y -s +G -Y -Y",
            Summary: "output [B, C] or [B, C, d…], Int64 labels [B] or [B, d…]"),
        // The same call on views: y.view(-1, C) and labels.view(-1) allocate nothing.
        new(LossKind.SequenceCrossEntropy, "cross_entropy(y.view(-1, C), labels.view(-1))", LossTarget.PositionLabels,
            Forward: "+Y +s +s", Backward: "+s +Y -s +G -Y -Y",
            Summary: "output [B, …, C] (classes last), Int64 labels [B, …]"),
        // The elementwise loss and a second output-sized buffer, the mean's scalars; the loss keeps one output-sized
        // buffer until it is disposed. Backward: the ones gradient, then the output's gradient.
        new(LossKind.Mse, "mse_loss(y, target)", LossTarget.LikeOutput,
            Forward: "+Y +Y +8 +s -s -8 -Y", Backward: "+s +G",
            Summary: "target of the output's shape and type", Measured, ThreadsMeasured: true),
        // (y - target) kept by abs, abs's result until the mean is taken, the loss, the mean's scalars. Backward: the mean's
        // expanded gradient, sign(y - target), abs's gradient (the output's: sub passes it on); then those three go.
        new(LossKind.L1, "l1_loss(y, target)", LossTarget.LikeOutput,
            Forward: "+Y +Y +s +8 +s -s -8 -Y", Backward: "+s +8 +s +Y -s -8 +Y +G -Y -Y -Y",
            Summary: "target of the output's shape and type", Measured, ThreadsMeasured: true),
        // log-sigmoid and its products, all freed; the loss. Backward: the output's gradient and two scalars.
        new(LossKind.BceWithLogits, "binary_cross_entropy_with_logits(y, target)", LossTarget.LikeOutput,
            Forward: "+Y +Y -Y +Y +s +8 +s -s -8 -Y -Y", Backward: "+s +G +8 +s -s -8",
            Summary: "target of the output's shape and type, in [0, 1]", Measured, ThreadsMeasured: true),
        // The loss and total_weight; backward: ones, the output's gradient; total_weight goes.
        new(LossKind.Nll, "nll_loss(y, labels)", LossTarget.ClassLabels,
            Forward: "+s +s", Backward: "+s +G -s",
            Summary: "output of log-probabilities [B, C] or [B, C, d…], Int64 labels [B] or [B, d…]"),
    };

    private static readonly Dictionary<LossKind, LossRule> ByKind = All.ToDictionary(r => r.Kind);

    public static LossRule Get(LossKind kind) => ByKind[kind];

    /// <summary>
    /// The profile's loss. Undeclared, the default cross_entropy takes only [batch, classes]: a [B, T, V] or [B, C, H, W]
    /// output could mean either cross-entropy, so the user says which.
    /// </summary>
    public static LossRule For(Model.ProfileSettings settings) =>
        settings.LossDeclared ? Get(settings.Loss) : Get(settings.Loss) with { ClassifierOutputOnly = true };
}

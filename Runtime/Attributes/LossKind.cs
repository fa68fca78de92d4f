namespace TorchBudget;

/// <summary>
/// The loss of the training step the memory table describes (docs/memory-model.md, "The training step"). Each loss
/// takes the model's output as it is and a target the step makes for it; what the loss keeps for backward and what its
/// backward allocates were measured on TorchSharp 0.107.
/// </summary>
public enum LossKind
{
    /// <summary>
    /// <c>cross_entropy(y, labels)</c>: y is [B, C] or [B, C, d…] (classes in dimension 1, as PyTorch defines it;
    /// segmentation's [B, C, H, W]), labels are Int64 [B] or [B, d…].
    /// </summary>
    CrossEntropy,

    /// <summary>
    /// <c>cross_entropy(y.view(-1, C), labels.view(-1))</c>: y is [B, …, C] with the classes last (a language model's
    /// [B, T, V]), labels are Int64 [B, …].
    /// </summary>
    SequenceCrossEntropy,

    /// <summary><c>mse_loss(y, target)</c>, the target of y's shape and type.</summary>
    Mse,

    /// <summary><c>l1_loss(y, target)</c>, the target of y's shape and type.</summary>
    L1,

    /// <summary><c>binary_cross_entropy_with_logits(y, target)</c>, the target of y's shape and type, in [0, 1].</summary>
    BceWithLogits,

    /// <summary><c>nll_loss(y, labels)</c> on log-probabilities: shapes as <see cref="CrossEntropy"/>.</summary>
    Nll,
}

namespace TorchBudget.Generator.Losses;

/// <summary>The training step's loss, by the names of the runtime's <c>TorchBudget.LossKind</c> (LossRuleTests check them).</summary>
internal enum LossKind
{
    CrossEntropy,
    SequenceCrossEntropy,
    Mse,
    L1,
    BceWithLogits,
    Nll,
}

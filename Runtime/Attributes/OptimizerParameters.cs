namespace TorchBudget;

/// <summary>Which parameters the training step hands its optimizer (TorchSharp's optimizers keep state for each one given).</summary>
public enum OptimizerParameters
{
    /// <summary><c>model.parameters()</c>, frozen ones included, as most training code writes it.</summary>
    All,

    /// <summary>Only parameters with <c>requires_grad</c>, as fine-tuning code writes it.</summary>
    Trainable,
}

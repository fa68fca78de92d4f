namespace TorchBudget;

/// <summary>
/// How training state is split over several devices (see docs/multi-device.md for the formulas and how they relate
/// to DeepSpeed's published estimators). Each device runs forward and backward on its own micro-batch.
/// </summary>
public enum Sharding
{
    /// <summary>Data parallelism (PyTorch DDP): every device holds all parameters, gradients and optimizer state.</summary>
    DataParallel,

    /// <summary>ZeRO stage 1: the optimizer state is split evenly over the devices.</summary>
    ZeroStage1,

    /// <summary>ZeRO stage 2: optimizer state and gradients are split.</summary>
    ZeroStage2,

    /// <summary>
    /// ZeRO stage 3: optimizer state, gradients and parameters are split; each layer's parameters are gathered whole
    /// while it runs, so the largest layer's parameters and gradients are counted once in full at the peak.
    /// </summary>
    ZeroStage3,
}

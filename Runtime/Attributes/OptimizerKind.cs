namespace TorchBudget;

/// <summary>The optimizer whose state the memory table accounts for.</summary>
public enum OptimizerKind
{
    /// <summary>No optimizer: no optimizer state.</summary>
    None,
    /// <summary>Plain SGD: no state.</summary>
    Sgd,
    /// <summary>SGD with momentum: one momentum buffer per parameter after the first step.</summary>
    SgdMomentum,
    /// <summary>Adam: exp_avg and exp_avg_sq, allocated when TorchSharp constructs the optimizer.</summary>
    Adam,
    /// <summary>AdamW: as Adam.</summary>
    AdamW,
    /// <summary>Adam with amsgrad: adds max_exp_avg_sq.</summary>
    AdamAmsgrad,
    /// <summary>RMSprop: TorchSharp allocates square_avg, momentum_buffer and grad_avg at construction.</summary>
    RMSprop,
    /// <summary>Adagrad: one sum per parameter.</summary>
    Adagrad,
}

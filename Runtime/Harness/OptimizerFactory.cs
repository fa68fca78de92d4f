using System;
using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;

namespace TorchBudget.Harness;

/// <summary>The TorchSharp optimizer an <see cref="OptimizerKind"/> stands for, with TorchSharp's defaults.</summary>
public static class OptimizerFactory
{
    /// <summary>Creates the optimizer; null for <see cref="OptimizerKind.None"/>.</summary>
    public static torch.optim.Optimizer? Create(OptimizerKind kind, IEnumerable<Parameter> parameters) => kind switch
    {
        OptimizerKind.None => null,
        OptimizerKind.Sgd => torch.optim.SGD(parameters, 0.01),
        OptimizerKind.SgdMomentum => torch.optim.SGD(parameters, 0.01, momentum: 0.9),
        OptimizerKind.Adam => torch.optim.Adam(parameters),
        OptimizerKind.AdamW => torch.optim.AdamW(parameters),
        OptimizerKind.AdamAmsgrad => torch.optim.Adam(parameters, amsgrad: true),
        OptimizerKind.RMSprop => torch.optim.RMSProp(parameters),
        OptimizerKind.Adagrad => torch.optim.Adagrad(parameters),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown optimizer kind."),
    };
}

using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using TorchSharp;
using TorchSharp.Modules;

namespace TorchBudget.Harness;

/// <summary>Bytes by tensor accounting: Σ numel × element size, each storage counted once.</summary>
internal static class TensorBytes
{
    public static long Of(torch.Tensor tensor) => checked(tensor.numel() * tensor.ElementSize);

    public static long Of(IEnumerable<torch.Tensor> tensors) => tensors.DistinctBy(t => t.Handle).Sum(Of);

    /// <summary>The gradients the parameters hold now.</summary>
    public static long Gradients(IEnumerable<Parameter> parameters)
    {
        using var scope = torch.NewDisposeScope(); // disposes the .grad wrappers, not the gradients
        return Of(parameters.Select(p => p.grad).OfType<torch.Tensor>());
    }

    /// <summary>
    /// The tensors in <c>optimizer.state_dict()</c>: each parameter's state object (Adam.State, SGD.State, ...)
    /// keeps them in public Tensor fields (exp_avg, momentum_buffer, ...).
    /// </summary>
    public static long OptimizerState(torch.optim.Optimizer? optimizer)
    {
        if (optimizer is null) return 0;
        var tensors = new List<torch.Tensor>();
        if (optimizer is not OptimizerHelper helper) throw new System.NotSupportedException($"{optimizer.GetType().Name} has no state_dict().");
        foreach (var state in helper.state_dict().State)
        {
            foreach (var field in state.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                if (field.GetValue(state) is torch.Tensor { IsInvalid: false } tensor) tensors.Add(tensor);
            }
        }
        return Of(tensors);
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace TorchBudget.Harness;

/// <summary>
/// A copy of a model's parameters and buffers (on the CPU, so it takes no device memory) and its train/eval
/// mode, put back after the harness has trained it on synthetic data.
/// </summary>
internal sealed class ModelSnapshot : IDisposable
{
    private readonly torch.nn.Module model;
    private readonly bool training;
    private readonly List<(torch.Tensor Live, torch.Tensor Saved)> tensors;

    public ModelSnapshot(torch.nn.Module model)
    {
        this.model = model;
        training = model.training;
        using var noGrad = torch.no_grad();
        tensors = model.parameters().Cast<torch.Tensor>().Concat(model.buffers())
            .Select(t => (t, t.detach().cpu().clone()))
            .ToList();
    }

    /// <summary>Copies the saved values back and restores the mode.</summary>
    public void Dispose()
    {
        using (torch.no_grad())
        {
            foreach (var (live, saved) in tensors)
            {
                live.copy_(saved);
                saved.Dispose();
            }
        }
        model.train(training);
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchBudget.Harness;

/// <summary>
/// The standard training step of the memory table (see docs/memory-model.md), on synthetic data of the
/// report's shapes: inside a DisposeScope, forward, the report's loss, zero_grad, backward, step.
/// </summary>
internal sealed class TrainingStep : IDisposable
{
    private readonly ModelCall model;

    private readonly LossKind loss;

    private TrainingStep(ModelCall model, LossKind loss, IReadOnlyList<Tensor> inputs, Tensor? target, optim.Optimizer? optimizer,
        long[] outputShape, string? cannotTrain)
    {
        this.model = model;
        this.loss = loss;
        Inputs = inputs;
        Target = target;
        Optimizer = optimizer;
        OutputShape = outputShape;
        CannotTrain = cannotTrain;
    }

    /// <summary>Every tensor forward takes (<see cref="MemoryReport.Inputs"/>), in position order.</summary>
    public IReadOnlyList<Tensor> Inputs { get; }

    /// <summary>The loss's labels or target (<see cref="StepLoss.Target"/>); null when the loss cannot take the output.</summary>
    public Tensor? Target { get; }

    public optim.Optimizer? Optimizer { get; }

    public long[] OutputShape { get; }

    /// <summary>Why no training step can run, or null when it can.</summary>
    public string? CannotTrain { get; }

    /// <summary>Builds the input, labels and optimizer on <paramref name="device"/>; the model must already be there.</summary>
    public static TrainingStep Create(ModelCall model, MemoryReport report, Device device, long batchSize)
    {
        var inputs = model.Inputs(device, batchSize);
        long[] outputShape;
        ScalarType outputType;
        // In the mode the step runs in: a model can run in one mode only (a view of a tensor a training-mode dropout
        // made contiguous fails in eval mode, where dropout returns its strided input).
        using (torch.no_grad())
        using (torch.NewDisposeScope())
        {
            var output = model.Forward(inputs);
            outputShape = output.shape;
            outputType = output.dtype;
        }
        var loss = report.Loss ?? LossKind.CrossEntropy;
        var misfit = StepLoss.Misfit(report.Loss, outputShape, batchSize);
        var target = misfit is null ? StepLoss.Target(loss, outputShape, outputType, device) : null;
        var given = report.OptimizerParameters == OptimizerParameters.Trainable
            ? model.Module.parameters().Where(p => p.requires_grad)
            : model.Module.parameters();
        var optimizer = target is null ? null : OptimizerFactory.Create(report.Optimizer, given);
        var cannotTrain = misfit is null ? null : misfit + ", so only forward was run";
        return new TrainingStep(model, loss, inputs, target, optimizer, outputShape, cannotTrain);
    }

    /// <summary>
    /// One step; <paramref name="mark"/> is called after each phase (forward, loss, zeroGrad, backward, step), inside the scope.
    /// Forward only when <see cref="CannotTrain"/> is set.
    /// </summary>
    public void Run(Action<string, DisposeScope>? mark = null)
    {
        model.Module.train();
        using var scope = torch.NewDisposeScope();
        var output = model.Forward(Inputs);
        mark?.Invoke("forward", scope);
        if (Target is null) return;
        var loss = StepLoss.Compute(this.loss, output, Target);
        mark?.Invoke("loss", scope);
        if (Optimizer is null) model.Module.zero_grad(); else Optimizer.zero_grad();
        mark?.Invoke("zeroGrad", scope);
        loss.backward();
        mark?.Invoke("backward", scope);
        Optimizer?.step();
        mark?.Invoke("step", scope);
    }

    public void Dispose()
    {
        Optimizer?.Dispose();
        Target?.Dispose();
        foreach (var input in Inputs) input.Dispose();
    }
}

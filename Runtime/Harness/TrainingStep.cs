using System;
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
    private readonly nn.Module<Tensor, Tensor> model;

    private readonly LossKind loss;

    private TrainingStep(nn.Module<Tensor, Tensor> model, LossKind loss, Tensor input, Tensor? target, optim.Optimizer? optimizer,
        long[] outputShape, string? cannotTrain)
    {
        this.model = model;
        this.loss = loss;
        Input = input;
        Target = target;
        Optimizer = optimizer;
        OutputShape = outputShape;
        CannotTrain = cannotTrain;
    }

    public Tensor Input { get; }

    /// <summary>The loss's labels or target (<see cref="StepLoss.Target"/>); null when the loss cannot take the output.</summary>
    public Tensor? Target { get; }

    public optim.Optimizer? Optimizer { get; }

    public long[] OutputShape { get; }

    /// <summary>Why no training step can run, or null when it can.</summary>
    public string? CannotTrain { get; }

    /// <summary>Builds the input, labels and optimizer on <paramref name="device"/>; the model must already be there.</summary>
    public static TrainingStep Create(nn.Module<Tensor, Tensor> model, MemoryReport report, Device device, long batchSize)
    {
        var input = SyntheticInput(report, device, batchSize);
        long[] outputShape;
        ScalarType outputType;
        // In the mode the step runs in: a model can run in one mode only (a view of a tensor a training-mode dropout
        // made contiguous fails in eval mode, where dropout returns its strided input).
        using (torch.no_grad())
        using (torch.NewDisposeScope())
        {
            var output = model.forward(input);
            outputShape = output.shape;
            outputType = output.dtype;
        }
        var loss = report.Loss ?? LossKind.CrossEntropy;
        var misfit = StepLoss.Misfit(report.Loss, outputShape, batchSize);
        var target = misfit is null ? StepLoss.Target(loss, outputShape, outputType, device) : null;
        var optimizer = target is null ? null : OptimizerFactory.Create(report.Optimizer, model.parameters());
        var cannotTrain = misfit is null ? null : misfit + ", so only forward was run";
        return new TrainingStep(model, loss, input, target, optimizer, outputShape, cannotTrain);
    }

    /// <summary>A batch of the report's input shape and type on <paramref name="device"/>.</summary>
    public static Tensor SyntheticInput(MemoryReport report, Device device, long batchSize)
    {
        var shape = new[] { batchSize }.Concat(report.InputShape).ToArray();
        // Token ids 0 and 1 are valid for any embedding; the values do not change what is allocated.
        return report.InputDType is ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte
            ? torch.randint(0, 2, shape, dtype: report.InputDType, device: device)
            : torch.randn(shape, dtype: report.InputDType, device: device);
    }

    /// <summary>
    /// One step; <paramref name="mark"/> is called after each phase (forward, loss, zeroGrad, backward, step), inside the scope.
    /// Forward only when <see cref="CannotTrain"/> is set.
    /// </summary>
    public void Run(Action<string, DisposeScope>? mark = null)
    {
        model.train();
        using var scope = torch.NewDisposeScope();
        var output = model.forward(Input);
        mark?.Invoke("forward", scope);
        if (Target is null) return;
        var loss = StepLoss.Compute(this.loss, output, Target);
        mark?.Invoke("loss", scope);
        if (Optimizer is null) model.zero_grad(); else Optimizer.zero_grad();
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
        Input.Dispose();
    }
}

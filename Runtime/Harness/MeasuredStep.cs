using System;
using System.Diagnostics;
using System.Linq;
using TorchBudget.Harness.Measuring;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchBudget.Harness;

/// <summary>
/// What one steady-state training step really used: the resident parts by tensor accounting, the step's own
/// additions by the device's meter. Shared by <see cref="MemoryHarness"/> and <see cref="BatchSizeFinder"/>.
/// </summary>
internal sealed record MeasuredStep(
    long ParameterCount,
    long TrainableParameterCount,
    long ParameterBytes,
    long BufferBytes,
    long GradientBytes,
    long OptimizerStateBytes,
    long UnregisteredBytes,
    long InputBytes,
    long ActivationBytes,
    long StepPeakAdded,
    string? CannotTrain)
{
    /// <summary>
    /// Between steps the model, its gradients, the optimizer's state, what registration leaves out (and its gradients)
    /// and the batch are resident; the step adds to that.
    /// </summary>
    public long Resident => checked(ParameterBytes + BufferBytes + GradientBytes + OptimizerStateBytes + UnregisteredBytes + InputBytes);

    /// <summary>The most bytes live at once during the step, resident part included.</summary>
    public long Peak => checked(Resident + StepPeakAdded);

    /// <summary>
    /// Runs <paramref name="steps"/> steps (the first with <paramref name="layers"/> attached, when given) and measures the last.
    /// The model must be on <paramref name="device"/> already. <paramref name="progress"/> hears of each step when it ends.
    /// </summary>
    public static MeasuredStep Run(ModelCall model, MemoryReport report, Device device, long batchSize, IMemoryMeter meter,
        int steps, LayerShapeObserver? layers = null, Action<string>? progress = null)
    {
        using var step = TrainingStep.Create(model, report, device, batchSize);
        var parameters = model.Module.parameters().ToList();
        long activations = 0, peakAdded = 0;
        for (var i = 1; i <= steps; i++)
        {
            var observe = i == 1 ? layers : null;
            var measured = i == steps;
            observe?.Attach();
            var clock = Stopwatch.StartNew();
            try
            {
                var liveAtStart = meter.Live;
                meter.ResetPeak();
                step.Run((phase, _) =>
                {
                    if (phase != "forward") return;
                    if (measured) activations = meter.Live - liveAtStart;
                });
                if (measured) peakAdded = meter.Peak - liveAtStart;
                progress?.Invoke(StepDone(i, steps, batchSize, clock.Elapsed, observe is not null));
            }
            finally
            {
                observe?.Detach();
            }
        }
        var trains = step.CannotTrain is null;
        var unregistered = UnregisteredTensorScan.Of(model.Module);
        return new MeasuredStep(
            parameters.Sum(p => p.numel()),
            parameters.Where(p => p.requires_grad).Sum(p => p.numel()),
            TensorBytes.Of(parameters),
            TensorBytes.Of(model.Module.buffers()),
            trains ? TensorBytes.Gradients(parameters) : 0,
            TensorBytes.OptimizerState(step.Optimizer),
            checked(unregistered.Tensors + unregistered.Gradients),
            TensorBytes.Of(step.Target is null ? step.Inputs : step.Inputs.Append(step.Target)),
            activations,
            peakAdded,
            step.CannotTrain);
    }

    // The first steps warm up (lazily made optimizer state, oneDNN's caches); the last one is measured.
    private static string StepDone(int step, int steps, long batchSize, TimeSpan took, bool observedLayers) =>
        (step < steps ? $"warm-up step {step} of {steps - 1}" : "measured step") +
        $" (batch {batchSize:N0}) done in {ProgressText.Seconds(took)}" + (observedLayers ? ", layer shapes observed" : "");
}

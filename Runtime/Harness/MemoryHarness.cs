using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchBudget.Harness.Measuring;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchBudget.Harness;

/// <summary>
/// Runs a model's real training step on a device and checks every figure of its generated
/// <see cref="MemoryReport"/>: counts, the memory rows and each layer's output shape.
/// </summary>
public static class MemoryHarness
{
    /// <summary>Peak on the CPU: the table's stated accuracy (issue #3); the CPU counter itself is exact.</summary>
    public const double CpuPeakTolerance = 0.05;

    /// <summary>
    /// Activations and Peak on CUDA: the report follows CPU semantics (Dropout keeps a float noise tensor where
    /// CUDA keeps a 1-byte mask; cuBLAS/cuDNN workspaces are not modeled) and NVML counts the driver's pages.
    /// </summary>
    public const double CudaTolerance = 0.10;

    /// <summary>Below this many bytes, CUDA differences are the driver's allocation granularity, not the model.</summary>
    public const long CudaSlackBytes = 8L * 1024 * 1024;

    /// <summary>
    /// Trains <paramref name="model"/> for <paramref name="steps"/> steps of batch <paramref name="batchSize"/> on
    /// synthetic data of the report's shapes, with the report's optimizer, and measures the last (steady-state)
    /// step. The model is moved to <paramref name="device"/>; its parameters, buffers and train/eval mode are
    /// restored afterwards (gradients stay, zeroed in place as training leaves them). <paramref name="progress"/>, when
    /// given, hears of each phase as it ends: each warm-up step, the measured step, the layers checked on their own.
    /// </summary>
    public static VerificationResult Verify(nn.Module model, MemoryReport report, Device device, long batchSize, int steps = 3,
        Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(device);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "At least two steps: the first allocates lazily created state.");
        var parameterTypes = model.parameters().Where(p => p.is_floating_point()).Select(p => p.dtype).Distinct().ToList();
        if (parameterTypes.Any(t => t != report.DType))
            throw new ArgumentException($"The model's parameters are {string.Join(", ", parameterTypes)} but the report is for {report.DType}: " +
                $"convert the model with .to({report.DType}) first.", nameof(model));
        var call = ModelCall.For(model, report);

        DeviceMeters.EnsureMeasurable(device);
        lock (DeviceMeters.OneMeasurementAtATime)
        {
            return Measure();
        }

        VerificationResult Measure()
        {
            var notes = new List<string>();
            model.to(device);
            using var snapshot = new ModelSnapshot(model);
            using var meter = DeviceMeters.Open(device, notes);
            var exact = meter.IsExact;
            var (peakTolerance, slack) = exact ? (CpuPeakTolerance, 0L) : (CudaTolerance, CudaSlackBytes);

            var layers = new LayerShapeObserver(model, report, batchSize);
            progress?.Invoke($"Verifying {report.ModelName} at batch {batchSize:N0} on {device}: {steps - 1} warm-up " +
                $"step{(steps > 2 ? "s" : "")}, then one measured, with {(exact ? "the CPU tensor counter" : "NVML device memory")}");
            var step = MeasuredStep.Run(call, report, device, batchSize, meter, steps, layers, progress);
            var unhooked = layers.CallUnhookedLayers(device);
            if (unhooked > 0)
                progress?.Invoke(unhooked == 1 ? "1 layer that ran without a hook checked on its own"
                    : $"{unhooked:N0} layers that ran without a hook checked on their own");
            var trains = step.CannotTrain is null;
            if (!trains) notes.Add(step.CannotTrain!);

            var accounting = "tensor accounting (Σ numel × element size)";
            var counter = exact ? "the CPU tensor counter" : "NVML device memory";
            var rows = new List<VerificationRow>
            {
                new("ParameterCount", report.ParameterCount, step.ParameterCount, 0, 0, "parameters().Sum(numel)"),
                new("TrainableParameterCount", report.TrainableParameterCount, step.TrainableParameterCount, 0, 0, "parameters where requires_grad"),
                new("Parameters", report.Memory?.ParameterBytes, step.ParameterBytes, 0, 0, accounting),
                new("Buffers", report.Memory?.BufferBytes, step.BufferBytes, 0, 0, accounting),
                new("Gradients", report.Memory?.GradientBytes, trains ? step.GradientBytes : null, 0, 0, accounting + " over p.grad"),
                new("OptimizerState", report.Memory?.OptimizerStateBytes, trains ? step.OptimizerStateBytes : null, 0, 0,
                    accounting + " over optimizer.state_dict()"),
                new("Input", report.Memory is { } m ? checked(m.InputBytesPerSample * batchSize) : null, trains ? step.InputBytes : null, 0, 0,
                    accounting + " over the inputs and labels"),
                new("Unregistered", report.Memory?.UnregisteredBytes, trains ? step.UnregisteredBytes : null, 0, 0,
                    accounting + " over the tensors the module's fields hold outside parameters() and buffers(), and their .grad"),
                new("Activations", ActivationsAt(report, batchSize), step.ActivationBytes, exact ? 0 : peakTolerance, slack,
                    counter + ": live after forward minus live before it"),
                new("Peak", PeakAt(report, batchSize), trains ? step.Peak : null, peakTolerance, slack,
                    counter + ": the most live during the step, plus what was resident before it", OtherKernels(report, device, notes)),
            };
            notes.Add(exact
                ? $"Exact rows must match to the byte; Peak may differ by {CpuPeakTolerance * 100:0}%, the table's stated accuracy. " +
                    $"The CPU counter counts what c10 allocates: tensor data, and oneDNN's reordered copies and scratchpads " +
                    $"(ATen hands oneDNN c10's allocator); oneDNN's own bookkeeping is in neither figure."
                : $"On CUDA, Activations and Peak may differ by {CudaTolerance * 100:0}% or {CudaSlackBytes / (1024 * 1024)} MiB: " +
                    $"the table follows CPU semantics (Dropout's float noise; no cuBLAS/cuDNN workspaces) and NVML counts driver pages. " +
                    $"These tolerances have not yet been checked on a GPU.");
            // Most models keep nothing outside registration: the row is shown where either side has some.
            rows.RemoveAll(r => r.Name == "Unregistered" && r.Predicted is null or 0 && r.Measured is null or 0);
            return new VerificationResult(report.ModelName, device.ToString(), batchSize, meter.Method, rows, layers.Results(), notes);
        }
    }

    /// <summary>
    /// Runs <paramref name="model"/>'s inference pass as <see cref="MemoryReport.ForInference"/> defines it (eval, then
    /// forward under no_grad inside a DisposeScope) on a synthetic batch of <paramref name="batchSize"/>, measures the
    /// second such pass, and checks every row of the inference table: Parameters, Buffers, Input and Activations exact
    /// on the CPU, Peak within the training table's tolerance. The model is moved to <paramref name="device"/>; its train/eval
    /// mode is restored afterwards. <paramref name="progress"/>, when given, hears of each pass as it ends.
    /// </summary>
    public static VerificationResult VerifyInference(nn.Module model, MemoryReport report, Device device, long batchSize,
        Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(device);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        var parameterTypes = model.parameters().Where(p => p.is_floating_point()).Select(p => p.dtype).Distinct().ToList();
        if (parameterTypes.Any(t => t != report.DType))
            throw new ArgumentException($"The model's parameters are {string.Join(", ", parameterTypes)} but the report is for {report.DType}: " +
                $"convert the model with .to({report.DType}) first.", nameof(model));
        var call = ModelCall.For(model, report);

        DeviceMeters.EnsureMeasurable(device);
        lock (DeviceMeters.OneMeasurementAtATime)
        {
            var notes = new List<string>();
            model.to(device);
            using var snapshot = new ModelSnapshot(model);
            using var meter = DeviceMeters.Open(device, notes);
            var exact = meter.IsExact;
            var (peakTolerance, slack) = exact ? (CpuPeakTolerance, 0L) : (CudaTolerance, CudaSlackBytes);
            progress?.Invoke($"Verifying {report.ModelName}'s inference at batch {batchSize:N0} on {device}: one warm-up pass, " +
                $"then one measured, with {(exact ? "the CPU tensor counter" : "NVML device memory")}");
            var measured = MeasuredInference.Run(call, device, batchSize, meter, progress);
            var inference = report.Memory?.Inference;
            var accounting = "tensor accounting (Σ numel × element size)";
            var counter = exact ? "the CPU tensor counter" : "NVML device memory";
            var rows = new List<VerificationRow>
            {
                new("Parameters", report.Memory?.ParameterBytes, measured.ParameterBytes, 0, 0, accounting),
                new("Buffers", report.Memory?.BufferBytes, measured.BufferBytes, 0, 0, accounting),
                new("Input", inference is null ? null : checked(inference.InputBytesPerSample * batchSize), measured.InputBytes, 0, 0,
                    accounting + " over the input batches"),
                new("Activations", (inference?.Activations is not null ? inference.ActivationsAt(batchSize) : null), measured.ActivationBytes,
                    exact ? 0 : peakTolerance, slack, counter + ": live after forward minus live before it"),
                new("Peak", inference?.PeakLines is not null ? inference.PeakAt(batchSize) : null, measured.Peak, peakTolerance, slack,
                    counter + ": the most live during forward, plus parameters, buffers and input", OtherKernels(report, device, notes)),
            };
            if (inference is null)
                notes.Add("The report has no inference table (it was generated without one, or the model's parameters are not all known).");
            notes.Add("Inference: model.eval(), then forward under torch.no_grad() inside a DisposeScope; the second pass measured.");
            notes.Add(exact
                ? $"Exact rows must match to the byte; Peak may differ by {CpuPeakTolerance * 100:0}%, the table's stated accuracy."
                : $"On CUDA, Activations and Peak may differ by {CudaTolerance * 100:0}% or {CudaSlackBytes / (1024 * 1024)} MiB " +
                    $"(CPU semantics; NVML counts driver pages). Not yet checked on a GPU.");
            return new VerificationResult(report.ModelName, device.ToString(), batchSize, meter.Method, rows, Array.Empty<LayerShapeCheck>(), notes);
        }
    }

    /// <summary>
    /// Whether the report's peaks hold for another kernel profile than this process runs on <paramref name="device"/>; if so,
    /// the Notes say which and how to match it.
    /// </summary>
    private static bool OtherKernels(MemoryReport report, Device device, List<string> notes)
    {
        if (device.type != DeviceType.CPU || !report.PeaksFollowKernels || report.KernelProfile is not { } profile) return false;
        var host = HostKernels.CpuProfile();
        if (host == profile) return false;
        notes.Add($"Peak is not compared: the report's peak holds for {profile} (oneDNN's blocks and scratchpads, per-thread buffers), " +
            $"and this process runs {host}. Run it where the profile holds, with ONEDNN_MAX_CPU_ISA and torch.set_num_threads to match.");
        return true;
    }

    private static long? ActivationsAt(MemoryReport report, long batchSize) =>
        report.Memory?.Activations is not null ? report.Memory.ActivationsAt(batchSize) : null;

    private static long? PeakAt(MemoryReport report, long batchSize) =>
        report.Memory?.PeakLines is not null ? report.Memory.PeakAt(batchSize) : null;
}

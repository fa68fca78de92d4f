using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchBudget.Harness.Measuring;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchBudget.Harness;

/// <summary>
/// <see cref="MemoryReport.Measure"/>: a report for any module, from real steps instead of the generator. Runs the step at
/// batch 1, at two fit batches and at a check batch under the device's meter, fits each growing row as a line through the
/// two fit batches, and keeps a line only where the check batch lands on it; batch 1 keeps its own figures. What cannot
/// be measured here is unknown, with a note, never guessed.
/// </summary>
internal static class ReportMeasurement
{
    public static MemoryReport Measure(nn.Module model, long[] inputShape, MeasureOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(options);
        if (inputShape.Length == 0 || inputShape.Any(d => d <= 0))
            throw new ArgumentException("One sample's shape needs at least one dimension, each positive.", nameof(inputShape));
        var table = options.BatchSizes.Distinct().Order().ToList();
        if (table.Any(b => b <= 0) || table.Count(b => b >= 2) < 2)
            throw new ArgumentException("BatchSizes needs at least two batch sizes from 2 (batch 1 is always measured too).", nameof(options));
        if (options.Steps < 2) throw new ArgumentException("At least two steps: the first allocates lazily created state.", nameof(options));

        var device = options.Device ?? torch.CPU;
        var parameters = model.parameters().ToList();
        var floating = parameters.Where(p => p.is_floating_point()).Select(p => p.dtype).Distinct().ToList();
        var notes = new List<string>();
        if (options.DType is { } wanted && floating.Any(t => t != wanted))
            throw new ArgumentException($"The model's parameters are {string.Join(", ", floating)} but the options ask for {wanted}: " +
                $"convert the model with .to({wanted}) first.", nameof(model));
        if (floating.Count > 1) notes.Add($"The parameters have several element types ({string.Join(", ", floating)}); the report names the first.");
        var shell = Report(model, inputShape, options, floating.FirstOrDefault(ScalarType.Float32), notes, Array.Empty<LayerReport>(), null,
            measured: Array.Empty<long>());
        var call = ModelCall.For(model, shell);
        try
        {
            DeviceMeters.EnsureMeasurable(device);
        }
        catch (Exception unmeasurable) when (unmeasurable is PlatformNotSupportedException or InvalidOperationException)
        {
            notes.Add($"Memory is unknown: this process cannot measure {device} ({unmeasurable.Message}); counts are TorchSharp's own.");
            return Report(model, inputShape, options, shell.DType, notes, Layers(model, null, null), null, Array.Empty<long>());
        }

        // The check batch lies between the two largest: it shows whether the last line holds between them.
        var (below, top) = (table[^2], table[^1]);
        var check = top - below >= 2 ? below + (top - below) / 2 : (long?)null;
        var batches = table.Prepend(1).Concat(check is { } c ? new[] { c } : Array.Empty<long>()).Distinct().Order().ToArray();
        lock (DeviceMeters.OneMeasurementAtATime)
        {
            model.to(device);
            using var snapshot = new ModelSnapshot(model);
            using var meter = DeviceMeters.Open(device, notes);
            var shapes = new Dictionary<long, Dictionary<string, IReadOnlyList<long[]>>>();
            var steps = new Dictionary<long, MeasuredStep>();
            var passes = new Dictionary<long, MeasuredInference>();
            foreach (var batch in batches)
            {
                var seen = new Dictionary<string, IReadOnlyList<long[]>>();
                var removers = model.named_modules()
                    .Select(m => LayerCalls.Hook(m.module, output => seen.TryAdd(m.name, LayerCalls.Shapes(output))))
                    .OfType<Action>().ToList();
                try
                {
                    steps[batch] = MeasuredStep.Run(call, shell, device, batch, meter, options.Steps);
                }
                finally
                {
                    foreach (var remove in removers) remove();
                }
                shapes[batch] = seen;
                passes[batch] = MeasuredInference.Run(call, device, batch, meter);
            }
            var exact = meter.IsExact;
            var memory = Fit(steps, passes, below, top, check, exact, notes);
            notes.Insert(0, $"Measured, not predicted: {options.Steps} training steps (the last measured) and two inference passes at " +
                $"each batch in the table ({string.Join(", ", batches)}) on {device} with " +
                $"{(exact ? "the CPU tensor counter" : "NVML device memory")}, for this machine's kernels and threads. Other batches are " +
                $"fitted: between two measured batches on lines through them, beyond {top} on the last; MaxBatchSize confirms its answer " +
                "with real steps.");
            if (!exact)
                notes.Add("On CUDA the figures are NVML's device memory, in the driver's pages (2 MiB on most GPUs), not tensor bytes.");
            var layers = Layers(model, shapes.GetValueOrDefault(below), shapes.GetValueOrDefault(top), below, top);
            var report = Report(model, inputShape, options, shell.DType, notes, layers, memory, batches);
            report.Confirm = batch => Confirm(call, shell, device, batch, report.ForBatch(batch).Peak);
            return report;
        }
    }

    /// <summary>
    /// The rows as formulas in the batch size: fixed rows as measured; activations one line through every measured batch
    /// from 2 (unknown where they are not on one); the peak exact at each measured batch, piecewise between them.
    /// </summary>
    private static MemoryModel? Fit(Dictionary<long, MeasuredStep> steps, Dictionary<long, MeasuredInference> passes, long below, long top,
        long? check, bool exact, List<string> notes)
    {
        var one = steps[1];
        if (steps.Values.FirstOrDefault(s => s.CannotTrain is not null) is { } untrained)
        {
            notes.Add($"The training rows are unknown: {untrained.CannotTrain}.");
            return null;
        }
        // What does not grow with the batch must not: else something the step makes depends on it in a way not measured.
        foreach (var (row, value) in new (string, Func<MeasuredStep, long>)[]
        {
            ("Parameters", s => s.ParameterBytes), ("Buffers", s => s.BufferBytes), ("Gradients", s => s.GradientBytes),
            ("Optimizer state", s => s.OptimizerStateBytes), ("Unregistered", s => s.UnregisteredBytes),
        })
        {
            if (steps.Values.Select(value).Distinct().Count() > 1)
            {
                notes.Add($"The memory table is unknown: {row} changed with the batch size " +
                    $"({string.Join(", ", steps.Select(s => $"{value(s.Value):N0} at {s.Key}"))}).");
                return null;
            }
        }
        var inputPerSample = PerSample(steps.ToDictionary(s => s.Key, s => s.Value.InputBytes));
        var inferenceInputPerSample = PerSample(passes.ToDictionary(p => p.Key, p => p.Value.InputBytes));
        if (inputPerSample is null || inferenceInputPerSample is null)
        {
            notes.Add("The memory table is unknown: the input's bytes do not grow in proportion to the batch.");
            return null;
        }
        var activations = Line("Activations", steps.ToDictionary(s => s.Key, s => s.Value.ActivationBytes), exact, notes);
        var peak = Piecewise("peak", steps.ToDictionary(s => s.Key, s => s.Value.Peak), below, top, check, notes);
        var inferenceActivations = Line("Inference activations", passes.ToDictionary(p => p.Key, p => p.Value.ActivationBytes), exact, notes);
        var inferencePeak = Piecewise("inference peak", passes.ToDictionary(p => p.Key, p => p.Value.Peak), below, top, check, notes);
        var inference = new InferenceModel(inferenceInputPerSample.Value, inferenceActivations, inferencePeak.Lines, passes[1].Peak,
            inferencePeak.Regimes, inferenceActivations is null ? null : passes[1].ActivationBytes);
        return new MemoryModel(one.ParameterBytes, one.BufferBytes, one.GradientBytes, one.OptimizerStateBytes, inputPerSample.Value,
            activations, peak.Lines, one.Peak, peak.Regimes, activations is null ? null : one.ActivationBytes, inference)
        {
            UnregisteredBytes = one.UnregisteredBytes,
        };
    }

    /// <summary>Bytes per sample where every measurement is that many times its batch; null otherwise.</summary>
    private static long? PerSample(Dictionary<long, long> bytes)
    {
        var perSample = bytes.Select(b => b.Value % b.Key == 0 ? b.Value / b.Key : -1).Distinct().ToList();
        return perSample is [var single] && single >= 0 ? single : null;
    }

    /// <summary>
    /// One line through every measured batch from 2 (batch 1 keeps its own figure): exactly on the CPU, within the
    /// harness's CUDA tolerance on a GPU; null with a note where they are not on one.
    /// </summary>
    private static ByteFormula? Line(string row, Dictionary<long, long> bytes, bool exact, List<string> notes)
    {
        var points = bytes.Where(b => b.Key >= 2).OrderBy(b => b.Key).ToList();
        var (low, high) = (points[0], points[^1]);
        var growth = high.Value - low.Value;
        var span = high.Key - low.Key;
        var line = growth % span == 0 && growth >= 0 ? new ByteFormula(low.Value - growth / span * low.Key, growth / span) : null;
        var off = line is null ? points[1] : points.FirstOrDefault(p =>
            Math.Abs(line.At(p.Key) - p.Value) > (exact ? 0 : Math.Max(MemoryHarness.CudaSlackBytes, (long)(p.Value * MemoryHarness.CudaTolerance))));
        if (line is not null && off.Key == 0 && line.Constant >= 0) return line;
        notes.Add($"{row} are unknown: they are not one line in the batch size here " +
            $"({string.Join(", ", points.Select(p => $"{p.Value:N0} bytes at {p.Key}"))}).");
        return null;
    }

    /// <summary>
    /// A peak exact at every measured batch and piecewise between them: from each measured batch on, until the next, the
    /// larger of the line through that batch's figure rounded down and the line through the next one's rounded up (a
    /// regime per measured batch); beyond the largest, the last pair's. Says where the check batch shows the last piece
    /// is not one line.
    /// </summary>
    private static (ByteFormula[] Lines, PeakRegime[] Regimes) Piecewise(string row, Dictionary<long, long> bytes, long below, long top,
        long? check, List<string> notes)
    {
        if (check is { } c)
        {
            var line = (bytes[below] * (top - c) + bytes[top] * (c - below)) / (decimal)(top - below);
            if (Math.Abs(line - bytes[c]) >= 1)
                notes.Add($"Between batches {below:N0} and {top:N0} the {row} is not one line (at {c:N0} it measured {bytes[c]:N0} bytes, " +
                    $"the line through them gives {line:N0}): the kernels change between them, and fitted figures there are less sure.");
        }
        var points = bytes.Where(b => b.Key >= 2).OrderBy(b => b.Key).ToList();
        var regimes = new List<PeakRegime>();
        for (var i = 1; i + 1 < points.Count; i++) regimes.Add(new PeakRegime(points[i].Key, Piece(points[i], points[i + 1])));
        // From the largest on: the last piece's growth, through the largest's own figure.
        var (previous, last) = (points[^2], points[^1]);
        var slope = Math.Max(0, (long)Math.Ceiling((last.Value - previous.Value) / (decimal)(last.Key - previous.Key)));
        regimes.Add(new PeakRegime(last.Key, new[] { new ByteFormula(last.Value - slope * last.Key, slope) }));
        return (Piece(points[0], points[1]), regimes.ToArray());
    }

    /// <summary>
    /// Lines whose larger is exact at both ends: through the first with the slope rounded down, through the second rounded
    /// up. Where the peak falls between them (the kernels changed), a flat line at the first: the next regime starts at the second.
    /// </summary>
    private static ByteFormula[] Piece(KeyValuePair<long, long> from, KeyValuePair<long, long> to)
    {
        var span = to.Key - from.Key;
        var growth = to.Value - from.Value;
        if (growth < 0) return new[] { new ByteFormula(from.Value, 0) };
        var down = (long)Math.Floor(growth / (decimal)span);
        var up = (long)Math.Ceiling(growth / (decimal)span);
        return new[] { new ByteFormula(from.Value - down * from.Key, down), new ByteFormula(to.Value - up * to.Key, up) };
    }

    /// <summary>
    /// Real steps at a batch for MaxBatchSize's confirmation: the peak, or null when the device ran out of memory. The model's
    /// parameters, buffers and mode are put back afterwards. On the CPU nothing runs out before the machine swaps, so a step
    /// whose fitted peak is more than the memory available is refused instead, saying so.
    /// </summary>
    private static long? Confirm(ModelCall call, MemoryReport shell, Device device, long batch, long fittedPeak)
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (device.type == DeviceType.CPU && fittedPeak > available)
            throw new InvalidOperationException($"Confirming batch {batch:N0} needs a step of about {ByteUnits.Format(fittedPeak)}, more " +
                $"than the {ByteUnits.Format(available)} this machine has available: use ForBatch's fitted figures, or a smaller budget.");
        lock (DeviceMeters.OneMeasurementAtATime)
        {
            call.Module.to(device);
            using var snapshot = new ModelSnapshot(call.Module);
            using var meter = DeviceMeters.Open(device, new List<string>());
            return new DeviceBatchProbe(call, shell, device, meter).Run(batch) is { Ran: true } ran ? ran.PeakBytes : null;
        }
    }

    /// <summary>
    /// Each module as named_modules() names it: its own and its subtree's counts from TorchSharp, its kernel size, and its
    /// output shape where a forward hook saw it at both fit batches (modules called with forward() fire none).
    /// </summary>
    private static LayerReport[] Layers(nn.Module model, Dictionary<string, IReadOnlyList<long[]>>? atFirst,
        Dictionary<string, IReadOnlyList<long[]>>? atSecond, long first = 0, long second = 0) =>
        model.named_modules().Select(m =>
        {
            var own = m.module.parameters(recurse: false).ToList();
            var subtree = m.module.parameters().ToList();
            var hasChildren = m.module.named_children().Any();
            var shape = atFirst?.GetValueOrDefault(m.name) is { } a && atSecond?.GetValueOrDefault(m.name) is { } b
                ? Shape(a, b, first, second) : null;
            return new LayerReport(m.name, m.module.GetType().Name, own.Sum(p => p.numel()), own.Where(p => p.requires_grad).Sum(p => p.numel()),
                m.module.buffers(recurse: false).Sum(t => t.numel()), shape, activationBytesPerSample: null)
            {
                Kernel = KernelText(m.module),
                SubtreeParameterCount = hasChildren ? subtree.Sum(p => p.numel()) : null,
                SubtreeTrainableParameterCount = hasChildren ? subtree.Where(p => p.requires_grad).Sum(p => p.numel()) : null,
            };
        }).ToArray();

    /// <summary>The shape text of what a module returned at two batches: a dimension that grew with the batch is a multiple of B.</summary>
    private static string? Shape(IReadOnlyList<long[]> atFirst, IReadOnlyList<long[]> atSecond, long first, long second)
    {
        if (atFirst.Count != atSecond.Count || atFirst.Count == 0) return null;
        var tensors = new List<string>();
        for (var t = 0; t < atFirst.Count; t++)
        {
            if (atFirst[t].Length != atSecond[t].Length) return null;
            var dims = new List<string>();
            for (var d = 0; d < atFirst[t].Length; d++)
            {
                var (x, y) = (atFirst[t][d], atSecond[t][d]);
                if (x == y) dims.Add(x.ToString(CultureInfo.InvariantCulture));
                else if (x % first == 0 && y % second == 0 && x / first == y / second) dims.Add(DimensionText.Format(x / first, 1));
                else return null;
            }
            tensors.Add("[" + string.Join(", ", dims) + "]");
        }
        return tensors.Count == 1 ? tensors[0] : "(" + string.Join(", ", tensors) + ")";
    }

    private static string? KernelText(nn.Module module) =>
        module.GetType().GetProperty("kernel_size")?.GetValue(module) switch
        {
            long[] sizes => string.Join("×", sizes),
            long size => size.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };

    private static MemoryReport Report(nn.Module model, long[] inputShape, MeasureOptions options, ScalarType dtype, List<string> notes,
        LayerReport[] layers, MemoryModel? memory, long[] measured)
    {
        var parameters = model.parameters().ToList();
        // A measured report's table is its measured batches: every row printed is a measurement.
        var tableBatches = measured.Length > 0 ? measured : options.BatchSizes.ToArray();
        return new MemoryReport(model.GetType().Name, inputShape.ToArray(), dtype, options.InputDType, options.Optimizer, tableBatches,
            parameters.Sum(p => p.numel()), parameters.Where(p => p.requires_grad).Sum(p => p.numel()), model.buffers().Sum(b => b.numel()),
            isComplete: memory is not null && memory.Activations is not null && memory.PeakLines is not null, notes.ToArray(), layers,
            outputShape: null, memory)
        {
            Loss = options.Loss,
            OptimizerParameters = options.OptimizerParameters,
            LossOutput = options.LossOutput,
            FurtherInputs = options.FurtherInputs.ToArray(),
            ForwardArguments = options.ForwardArguments.ToArray(),
            MeasuredBatches = measured,
            KernelProfile = measured.Length == 0 ? null
                : $"{(options.Device ?? torch.CPU).type} as measured on this machine, {torch.get_num_threads()} threads",
            // Measured here: nothing to hold for another profile.
            PeaksFollowKernels = false,
        };
    }
}

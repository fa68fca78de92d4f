using System;
using System.Collections.Generic;
using TorchBudget.Harness.Measuring;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchBudget.Harness;

/// <summary>
/// The seed's manual recipe done for the user: start from the report's prediction, confirm with real training
/// steps, grow while they fit, back off when they do not (on CUDA: out of memory, caught and freed), and keep
/// about 80%: the recommended batch is the largest whose measured peak stays within SafetyFactor × capacity.
/// </summary>
public static class BatchSizeFinder
{
    /// <summary>
    /// Searches on a real device. On the CPU a <paramref name="budgetBytes"/> is required (nothing runs out of
    /// memory there first); on CUDA it defaults to the device's total memory and out-of-memory also stops a batch.
    /// The model's parameters, buffers and mode are restored afterwards.
    /// </summary>
    public static BatchSizeSearch Find(nn.Module model, MemoryReport report, Device device, long? budgetBytes = null,
        double safetyFactor = 0.8, long maxBatchSize = 1 << 20, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(report);
        if (budgetBytes is <= 0) throw new ArgumentOutOfRangeException(nameof(budgetBytes), budgetBytes, "The budget must be positive.");
        var call = ModelCall.For(model, report);
        DeviceMeters.EnsureMeasurable(device);
        if (budgetBytes is null && device.type != DeviceType.CUDA)
            throw new ArgumentException("On the CPU, give a budget: memory there runs out only after the system starts swapping.",
                nameof(budgetBytes));
        lock (DeviceMeters.OneMeasurementAtATime)
        {
            return Measure();
        }

        BatchSizeSearch Measure()
        {
            var notes = new List<string>();
            model.to(device);
            using var snapshot = new ModelSnapshot(model);
            using var meter = DeviceMeters.Open(device, notes);
            var capacity = budgetBytes ?? ((CudaMemoryMeter)meter).Total;
            foreach (var note in notes) progress?.Invoke(note);
            return Search(new DeviceBatchProbe(call, report, device, meter), report, capacity, safetyFactor, maxBatchSize, progress);
        }
    }

    /// <summary>The search itself, over any <see cref="IBatchProbe"/>: a batch fits when its step ran and its peak is within the capacity.</summary>
    public static BatchSizeSearch Search(IBatchProbe probe, MemoryReport? report, long capacityBytes, double safetyFactor = 0.8,
        long maxBatchSize = 1 << 20, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        if (capacityBytes <= 0) throw new ArgumentOutOfRangeException(nameof(capacityBytes), capacityBytes, "The capacity must be positive.");
        if (safetyFactor <= 0 || safetyFactor > 1)
            throw new ArgumentOutOfRangeException(nameof(safetyFactor), safetyFactor, "The safety factor must be in (0, 1].");
        if (maxBatchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, "The largest batch to try must be positive.");

        var knowsPeak = report?.Memory?.PeakLines is not null && report.Memory.MissingRows is null;
        // The formulas' answers: a measured report's own confirmation would run the steps this search runs.
        long? predictedLargest = knowsPeak ? report!.FittedMaxBatchSize(capacityBytes, 1.0) : null;
        long? predictedRecommended = knowsPeak ? report!.FittedMaxBatchSize(capacityBytes, safetyFactor) : null;

        progress?.Invoke(predictedLargest is { } predicted
            ? $"Searching from the report's prediction: batch {BatchSizeSearch.N(predicted)} fits {Bytes(capacityBytes)}"
            : $"Searching from batch 1 (the report predicts no peak) under {Bytes(capacityBytes)}");
        var tried = new Dictionary<long, BatchProbeResult>();
        var order = new List<BatchProbeResult>();
        BatchProbeResult Try(long batch)
        {
            if (tried.TryGetValue(batch, out var known)) return known;
            var result = probe.Run(batch);
            tried[batch] = result;
            order.Add(result);
            progress?.Invoke(result.Ran
                ? $"batch {BatchSizeSearch.N(batch)}: ran, peak {Bytes(result.PeakBytes ?? 0)}" +
                    $"{(result.PeakBytes > capacityBytes ? $", over the {Bytes(capacityBytes)}" : "")}"
                : $"batch {BatchSizeSearch.N(batch)}: did not run ({result.Failure})");
            return result;
        }
        bool Fits(long batch) => Try(batch) is { Ran: true } r && (r.PeakBytes ?? 0) <= capacityBytes;
        var usable = (long)Math.Floor(capacityBytes * safetyFactor);
        bool Recommendable(long batch) => Try(batch) is { Ran: true } r && (r.PeakBytes ?? 0) <= usable;

        var largest = LargestSatisfying(Fits, Math.Max(1, predictedLargest ?? 1), maxBatchSize);
        var recommended = largest == 0 ? 0
            : LargestSatisfying(Recommendable, Math.Min(largest, Math.Max(1, predictedRecommended ?? (long)(largest * safetyFactor))), largest);
        return new BatchSizeSearch(largest, recommended, capacityBytes, safetyFactor, predictedLargest, predictedRecommended, order);
    }

    private static string Bytes(long bytes) => $"{BatchSizeSearch.N(bytes)} bytes ({ByteUnits.Format(bytes)})";

    /// <summary>
    /// The largest B in [1, max] with ok(B), ok assumed monotone (true up to a point); 0 when ok(1) fails.
    /// A galloping search from the start: steps of 1, 2, 4, … away from it until the answer is bracketed, then
    /// bisection. When the prediction is right, two probes settle it (the start, and one more).
    /// </summary>
    internal static long LargestSatisfying(Func<long, bool> ok, long start, long max)
    {
        start = Math.Clamp(start, 1, max);
        long good, bad, step = 1;
        if (ok(start))
        {
            good = start;
            while (true)
            {
                if (good == max) return good;
                var next = good > max - step ? max : good + step;
                if (!ok(next))
                {
                    bad = next;
                    break;
                }
                good = next;
                step = step > long.MaxValue / 2 ? step : step * 2;
            }
        }
        else
        {
            bad = start;
            while (true)
            {
                if (bad == 1) return 0;
                var next = bad - 1 < step ? 1 : bad - step;
                if (ok(next))
                {
                    good = next;
                    break;
                }
                bad = next;
                step = step > long.MaxValue / 2 ? step : step * 2;
            }
        }
        while (bad - good > 1)
        {
            var middle = good + (bad - good) / 2;
            if (ok(middle)) good = middle;
            else bad = middle;
        }
        return good;
    }
}

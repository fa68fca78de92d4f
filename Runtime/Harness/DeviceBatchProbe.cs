using System;
using TorchBudget.Harness.Measuring;
using static TorchSharp.torch;

namespace TorchBudget.Harness;

/// <summary>
/// A real device: two training steps per batch (the second measured), out-of-memory caught and freed. The finder's
/// trials and a measured report's confirmations (<see cref="MemoryReport.MaxBatchSize"/>) run through it.
/// </summary>
internal sealed class DeviceBatchProbe(ModelCall model, MemoryReport report, Device device, IMemoryMeter meter) : IBatchProbe
{
    public BatchProbeResult Run(long batchSize)
    {
        try
        {
            var step = MeasuredStep.Run(model, report, device, batchSize, meter, steps: 2);
            if (step.CannotTrain is not null) throw new InvalidOperationException(step.CannotTrain);
            return new BatchProbeResult(batchSize, true, step.Peak, null);
        }
        catch (Exception error) when (IsOutOfMemory(error))
        {
            return new BatchProbeResult(batchSize, false, null, "out of memory");
        }
        finally
        {
            // The failed step's tensors are gone with its DisposeScope; the collections release any wrapper the
            // exception left behind, so the next probe starts from the same memory.
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    private static bool IsOutOfMemory(Exception error) =>
        error is OutOfMemoryException
        || error.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
        || (error.InnerException is { } inner && IsOutOfMemory(inner));
}

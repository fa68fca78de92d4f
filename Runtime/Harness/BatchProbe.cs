namespace TorchBudget.Harness;

/// <summary>What one trial training step at a batch size did.</summary>
/// <param name="BatchSize">The batch size tried.</param>
/// <param name="Ran">False when the device ran out of memory.</param>
/// <param name="PeakBytes">The step's peak, resident part included; null when it did not run.</param>
/// <param name="Failure">Why it did not run.</param>
public sealed record BatchProbeResult(long BatchSize, bool Ran, long? PeakBytes, string? Failure);

/// <summary>Runs one trial step at a batch size; the finder's view of a device (tests give it a fake one).</summary>
public interface IBatchProbe
{
    /// <summary>Tries a training step at <paramref name="batchSize"/> and frees whatever it held, whether it ran or not.</summary>
    BatchProbeResult Run(long batchSize);
}

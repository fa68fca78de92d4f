using System;

namespace TorchBudget.Harness.Measuring;

/// <summary>Live and peak bytes on one device, from the moment the meter was started.</summary>
internal interface IMemoryMeter : IDisposable
{
    /// <summary>How the bytes are measured, for the printed result.</summary>
    string Method { get; }

    /// <summary>Whether <see cref="Live"/> and <see cref="Peak"/> are exact byte counts of tensors (CPU) or device usage (CUDA).</summary>
    bool IsExact { get; }

    long Live { get; }

    long Peak { get; }

    void ResetPeak();
}

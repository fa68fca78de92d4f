using System;

// Linked into the analyzers too, under their own namespace, so tests that see both assemblies find one type.
#if TORCHBUDGET_ANALYZERS
namespace TorchBudget.Analyzers.Linked;
#else
namespace TorchBudget;
#endif

/// <summary>
/// A buffer a native library sizes in whole granules: <see cref="Times"/> × (Constant + PerSample × B) rounded up to a
/// multiple of <see cref="Granule"/>. oneDNN starts each region of an RNN workspace on a 4,096-byte page, so a Float32
/// LSTM's workspace grows in steps, not linearly, with the batch.
/// </summary>
public readonly struct RoundedBytes : IEquatable<RoundedBytes>
{
    /// <summary>Creates the term; generated code calls this.</summary>
    public RoundedBytes(long constant, long perSample, long granule, int times = 1)
    {
        if (constant < 0 || perSample < 0) throw new ArgumentOutOfRangeException(nameof(perSample), "A buffer has no negative part.");
        if (granule <= 0) throw new ArgumentOutOfRangeException(nameof(granule), "The granule must be positive.");
        if (times <= 0) throw new ArgumentOutOfRangeException(nameof(times), "A buffer is counted at least once.");
        Constant = constant;
        PerSample = perSample;
        Granule = granule;
        Times = times;
    }

    /// <summary>The batch-independent bytes before rounding.</summary>
    public long Constant { get; }

    /// <summary>The bytes per sample before rounding.</summary>
    public long PerSample { get; }

    /// <summary>What the size is rounded up to a multiple of (4,096 for a page).</summary>
    public long Granule { get; }

    /// <summary>How many such buffers there are.</summary>
    public int Times { get; }

    /// <summary>The bytes at <paramref name="batchSize"/>; throws <see cref="OverflowException"/> past a long.</summary>
    public long At(long batchSize)
    {
        var unrounded = checked(Constant + PerSample * batchSize);
        return checked(Times * ((unrounded + Granule - 1) / Granule * Granule));
    }

    /// <inheritdoc/>
    public bool Equals(RoundedBytes other) =>
        Constant == other.Constant && PerSample == other.PerSample && Granule == other.Granule && Times == other.Times;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is RoundedBytes other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() =>
        unchecked((((Constant.GetHashCode() * 31) + PerSample.GetHashCode()) * 31 + Granule.GetHashCode()) * 31 + Times);
}

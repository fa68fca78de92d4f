using System;

namespace TorchBudget.Generator.Shapes;

/// <summary>
/// Times × (Constant + PerSample × B) rounded up to a multiple of Granule: a buffer a native library sizes in whole
/// pages (oneDNN starts each region of an RNN workspace on a 4,096-byte page), which is not linear in B.
/// Times is negative where the buffer was freed again; freeing what was allocated cancels it exactly.
/// </summary>
internal readonly record struct RoundedBytes(long Constant, long PerSample, long Granule, int Times)
{
    public long At(long batchSize)
    {
        var unrounded = checked(Constant + PerSample * batchSize);
        var rounded = checked((unrounded + Granule - 1) / Granule * Granule);
        return checked(Times * rounded);
    }

    /// <summary>The same buffer, counted <paramref name="times"/> times.</summary>
    public RoundedBytes WithTimes(int times) => this with { Times = times };

    public bool SameBuffer(RoundedBytes other) => Constant == other.Constant && PerSample == other.PerSample && Granule == other.Granule;

    public static RoundedBytes Pages(long constant, long perSample, long pageBytes = 4096)
    {
        if (pageBytes <= 0 || constant < 0 || perSample < 0)
            throw new ArgumentOutOfRangeException(nameof(pageBytes), "a rounded buffer has a positive granule and no negative part");
        return new RoundedBytes(constant, perSample, pageBytes, 1);
    }
}

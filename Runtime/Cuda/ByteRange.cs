using System;
using System.Globalization;

namespace TorchBudget;

/// <summary>
/// Bytes known to lie between <see cref="Low"/> and <see cref="High"/> (equal when exact): for figures that depend
/// on what a build cannot see, such as the driver or the kernels a library picks at run time.
/// </summary>
public readonly record struct ByteRange
{
    /// <summary>Creates the range; <paramref name="low"/> is at most <paramref name="high"/>, neither negative.</summary>
    public ByteRange(long low, long high)
    {
        if (low < 0 || high < low) throw new ArgumentOutOfRangeException(nameof(low), $"Not a byte range: {low}–{high}.");
        Low = low;
        High = high;
    }

    /// <summary>The least the figure can be.</summary>
    public long Low { get; }

    /// <summary>The most the figure can be.</summary>
    public long High { get; }

    /// <summary>Whether the figure is known to the byte.</summary>
    public bool IsExact => Low == High;

    /// <summary>A range of one figure.</summary>
    public static ByteRange Exactly(long bytes) => new(bytes, bytes);

    /// <summary>"1.50 GiB" when exact, else "1.50 GiB – 1.75 GiB".</summary>
    public override string ToString() =>
        IsExact ? ByteUnits.Format(Low) : string.Create(CultureInfo.InvariantCulture, $"{ByteUnits.Format(Low)} – {ByteUnits.Format(High)}");
}

using System;
using System.Collections.Generic;
using System.Linq;

// Linked into the analyzers too, under their own namespace, so tests that see both assemblies find one type.
#if TORCHBUDGET_ANALYZERS
namespace TorchBudget.Analyzers.Linked;
#else
namespace TorchBudget;
#endif

/// <summary>
/// Bytes as a function of the batch size B: Constant + PerSample × B, plus buffers sized in whole pages
/// (<see cref="RoundedBytes"/>). Every part is non-negative, so the bytes never fall as B grows.
/// </summary>
public sealed class ByteFormula
{
    /// <summary>Creates the formula; generated code calls this.</summary>
    public ByteFormula(long constant, long perSample, params RoundedBytes[] rounded)
    {
        if (perSample < 0) throw new ArgumentOutOfRangeException(nameof(perSample), "Bytes never fall as the batch grows.");
        Constant = constant;
        PerSample = perSample;
        Rounded = Array.AsReadOnly(rounded ?? Array.Empty<RoundedBytes>());
    }

    /// <summary>The batch-independent part.</summary>
    public long Constant { get; }

    /// <summary>The linear part per sample.</summary>
    public long PerSample { get; }

    /// <summary>Buffers sized in whole pages; empty when the formula is linear.</summary>
    public IReadOnlyList<RoundedBytes> Rounded { get; }

    /// <summary>Whether the bytes are exactly Constant + PerSample × B.</summary>
    public bool IsLinear => Rounded.Count == 0;

    /// <summary>The bytes at <paramref name="batchSize"/>; throws <see cref="OverflowException"/> past a long.</summary>
    public long At(long batchSize) => Rounded.Aggregate(checked(Constant + PerSample * batchSize), (sum, r) => checked(sum + r.At(batchSize)));

    /// <summary>The bytes at <paramref name="batchSize"/> without overflow, for comparing with a limit.</summary>
    internal decimal AtExact(long batchSize)
    {
        var total = Constant + (decimal)PerSample * batchSize;
        foreach (var r in Rounded)
        {
            var unrounded = r.Constant + (decimal)r.PerSample * batchSize;
            total += r.Times * decimal.Ceiling(unrounded / r.Granule) * r.Granule;
        }
        return total;
    }

    /// <summary>The same bytes, but each page-rounded buffer counted without its rounding: never above <see cref="AtExact"/>.</summary>
    internal (decimal Constant, decimal PerSample) Unrounded() =>
        (Constant + Rounded.Sum(r => (decimal)r.Times * r.Constant), PerSample + Rounded.Sum(r => (decimal)r.Times * r.PerSample));
}

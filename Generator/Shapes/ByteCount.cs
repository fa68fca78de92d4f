using System;
using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Shapes;

/// <summary>
/// Bytes as Constant + PerSample × B, plus buffers sized in whole pages (<see cref="RoundedBytes"/>): what activations
/// and peaks look like as the batch grows.
/// </summary>
internal readonly record struct ByteCount(long Constant, long PerSample, EquatableArray<RoundedBytes> Rounded)
{
    public static readonly ByteCount Zero = new(0, 0);

    public ByteCount(long constant, long perSample) : this(constant, perSample, EquatableArray<RoundedBytes>.Empty) { }

    /// <summary>A buffer sized in whole pages, alone.</summary>
    public static ByteCount Of(RoundedBytes rounded) => new(0, 0, new[] { rounded }.ToEquatableArray());

    /// <summary>Bytes of a tensor with <paramref name="elements"/> elements; throws if they grow faster than B.</summary>
    public static ByteCount Of(Dim elements, int elementSize) => elements.BatchPower switch
    {
        0 => new ByteCount(checked(elements.Coefficient * elementSize), 0),
        1 => new ByteCount(0, checked(elements.Coefficient * elementSize)),
        _ => throw new NotLinearInBatchException(),
    };

    /// <summary>Whether these bytes are Constant + PerSample × B exactly (no page-rounded buffer).</summary>
    public bool IsLinear => Rounded.Count == 0;

    public ByteCount Plus(ByteCount other) =>
        new(checked(Constant + other.Constant), checked(PerSample + other.PerSample), Merge(Rounded, other.Rounded));

    public ByteCount Negate() =>
        new(checked(-Constant), checked(-PerSample), Rounded.Select(r => r.WithTimes(checked(-r.Times))).ToEquatableArray());

    /// <summary>The bytes at batch size <paramref name="batchSize"/>.</summary>
    public long At(long batchSize) =>
        Rounded.Aggregate(checked(Constant + PerSample * batchSize), (sum, r) => checked(sum + r.At(batchSize)));

    /// <summary>Counts of the same buffer add up; a buffer freed as often as it was allocated drops out.</summary>
    private static EquatableArray<RoundedBytes> Merge(EquatableArray<RoundedBytes> left, EquatableArray<RoundedBytes> right)
    {
        if (right.Count == 0) return left;
        if (left.Count == 0) return right;
        var merged = new List<RoundedBytes>(left);
        foreach (var buffer in right)
        {
            var index = merged.FindIndex(buffer.SameBuffer);
            if (index < 0) merged.Add(buffer);
            else merged[index] = merged[index].WithTimes(checked(merged[index].Times + buffer.Times));
        }
        return merged.Where(r => r.Times != 0).ToEquatableArray();
    }
}

/// <summary>A tensor whose size grows with B², which the linear memory table cannot express.</summary>
internal sealed class NotLinearInBatchException : Exception
{
    public NotLinearInBatchException() : base("a tensor grows faster than the batch size") { }
}

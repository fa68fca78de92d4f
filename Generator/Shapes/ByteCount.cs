using System;

namespace TorchBudget.Generator.Shapes;

/// <summary>Bytes as Constant + PerSample × B: what activations and peaks look like as the batch grows.</summary>
internal readonly record struct ByteCount(long Constant, long PerSample)
{
    public static readonly ByteCount Zero = new(0, 0);

    /// <summary>Bytes of a tensor with <paramref name="elements"/> elements; throws if they grow faster than B.</summary>
    public static ByteCount Of(Dim elements, int elementSize) => elements.BatchPower switch
    {
        0 => new ByteCount(checked(elements.Coefficient * elementSize), 0),
        1 => new ByteCount(0, checked(elements.Coefficient * elementSize)),
        _ => throw new NotLinearInBatchException(),
    };

    public ByteCount Plus(ByteCount other) => new(checked(Constant + other.Constant), checked(PerSample + other.PerSample));
}

/// <summary>A tensor whose size grows with B², which the linear memory table cannot express.</summary>
internal sealed class NotLinearInBatchException : Exception
{
    public NotLinearInBatchException() : base("a tensor grows faster than the batch size") { }
}

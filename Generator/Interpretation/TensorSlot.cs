using System.Collections.Generic;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// One tensor a module owns (a parameter or a buffer). Identity matters: TorchSharp counts a tensor
/// registered twice once.
/// </summary>
internal sealed class TensorSlot(long? elementCount, bool isParameter, ScalarType? elementType, long[]? shape = null)
{
    /// <summary>
    /// The shape when it is known (forward uses it when the tensor takes part in computation), pinning
    /// <see cref="CountForm"/> (a method: reading it records a guard).
    /// </summary>
    public long[]? PinShape()
    {
        Pin();
        return shape;
    }

    /// <summary>Number of elements; null when the shape is unknown. Pins <see cref="CountForm"/> (a method: it records a guard).</summary>
    public long? PinElementCount()
    {
        Pin();
        return elementCount;
    }

    /// <summary>ElementCount without pinning, for the uses that carry <see cref="CountForm"/> along.</summary>
    public long? PeekElementCount => elementCount;

    /// <summary>Shape without pinning, for the uses that carry <see cref="CountForm"/> along.</summary>
    public long[]? PeekShape => shape;

    public bool IsParameter { get; } = isParameter;

    /// <summary>Its scalar type when fixed (e.g. Int64 for num_batches_tracked); null: made in the default dtype.</summary>
    public ScalarType? ElementType { get; } = elementType;

    /// <summary>
    /// Its element type in the profiled model: its own, except that <c>.to(DType)</c>, how a model reaches a DType other
    /// than Float32, converts every floating tensor (measured); one made in the default dtype has the model's.
    /// </summary>
    public ScalarType TypeIn(ScalarType modelType) =>
        ElementType is { } own && !(own.IsFloating() && modelType != ScalarType.Float32) ? own : modelType;

    public bool RequiresGrad { get; set; } = isParameter;

    /// <summary>
    /// A constructor's view of part of a larger tensor (a slice, a chunk) or an expansion: registered, it would hold a storage
    /// its element count does not give.
    /// </summary>
    public bool SharesOtherStorage { get; init; }

    /// <summary>The tensors' elements together (pinning each count); null where a count is unknown or the sum overflows.</summary>
    public static long? TotalElements(IEnumerable<TensorSlot> tensors)
    {
        long total = 0;
        foreach (var tensor in tensors)
        {
            if (tensor.PinElementCount() is not { } count) return null;
            try { total = checked(total + count); }
            catch (System.OverflowException) { return null; }
        }
        return total;
    }

    /// <summary>
    /// In a parametric run, ElementCount as a polynomial in the constructor's sizes; null: it is constant there. Reading
    /// the plain count or shape pins it, as <see cref="IntValue.Pin"/> does.
    /// </summary>
    public Parametric.SizeForm? CountForm { get; init; }

    private void Pin()
    {
        if (CountForm is { } form && elementCount is { } count) form.Guards.Pin(form.Expression, count);
    }
}

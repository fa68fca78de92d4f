using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// What one op's backward allocates, measured op by op on TorchSharp 0.107 CPU: the bytes it holds beyond the gradients
/// already alive at each moment that can be its largest, and the gradient it hands each input that needs one (a tensor
/// of its own, or the incoming gradient itself). The backward simulation routes those gradients on; a node without a
/// plan creates one gradient of each input's storage size.
/// </summary>
internal sealed record BackwardPlan(IReadOnlyList<ByteCount> Moments, IReadOnlyList<InputGradient> Gradients);

/// <summary>
/// The gradient a backward hands an input: <see cref="Bytes"/> of its own, or (<see cref="SharesIncoming"/>) the incoming
/// gradient itself or (<see cref="AsView"/>) a view of it, which stays alive as long as any of its views is pending.
/// </summary>
internal sealed record InputGradient(ActivationTensor Input, ByteCount Bytes, bool SharesIncoming, bool AsView = false)
{
    /// <summary>The incoming gradient expanded to the input's size (sum's backward): stride 0 over the summed dimensions.</summary>
    public bool Expanded { get; init; }

    /// <summary>
    /// cat's or stack's axis, where the gradient is a narrow (or select) of the incoming one along it: the incoming
    /// gradient's strides over the part (strided along a later axis even where the incoming one is dense).
    /// </summary>
    public int? Axis { get; init; }

    /// <summary>
    /// The input's dimensions a reduction reduced (sum: stride 0 in the expanded gradient; amax/amin: where the mask lays
    /// their gradient out); null where not known: all taken as 0.
    /// </summary>
    public IReadOnlyList<int>? ReducedAxes { get; init; }

    /// <summary>The strides of a gradient of its own that the backward lays out otherwise than contiguous; null: contiguous.</summary>
    public IReadOnlyList<Dim>? Strides { get; init; }

    /// <summary>
    /// The tensor the incoming gradient is multiplied by to make this one (mul's other operand, div's divisor): TensorIterator
    /// lays the product out from the gradient first, then this factor, not from the input itself.
    /// </summary>
    public (TensorShape Shape, IReadOnlyList<Dim>? Strides)? Factor { get; init; }
}

/// <summary>Writes a <see cref="BackwardPlan"/> as the allocations and frees of the backward, in order.</summary>
internal sealed class BackwardPlanBuilder
{
    private readonly List<ByteCount> moments = new();
    private readonly List<InputGradient> gradients = new();
    private ByteCount current = ByteCount.Zero;

    /// <summary>The bytes of a tensor of this shape and type, as a backward allocates it.</summary>
    public static ByteCount BytesOf(TensorShape shape, ScalarType elementType) => ByteCount.Of(shape.ElementCount, elementType.SizeOf() ?? 4);

    public static ByteCount BytesOf(ActivationTensor tensor) => BytesOf(tensor.Shape, tensor.ElementType);

    /// <summary>Allocates; each allocation is a moment that can be the node's largest.</summary>
    public ByteCount Allocate(ByteCount bytes)
    {
        current = current.Plus(bytes);
        moments.Add(current);
        return bytes;
    }

    public void Free(ByteCount bytes) => current = current.Plus(bytes.Negate());

    /// <summary>Hands an allocated tensor on as <paramref name="input"/>'s gradient (it stays alive after the node).</summary>
    public void Hand(ActivationTensor input, ByteCount bytes, IReadOnlyList<int>? reducedAxes = null, IReadOnlyList<Dim>? strides = null,
        ActivationTensor? factor = null) =>
        gradients.Add(new InputGradient(input, bytes, SharesIncoming: false)
        {
            ReducedAxes = reducedAxes, Strides = strides, Factor = factor is null ? null : (factor.Shape, factor.Strides)
        });

    /// <summary>
    /// Hands the incoming gradient itself (add, clone) or a view of it (a reshape, cat's narrow slices) on as <paramref name="input"/>'s gradient.
    /// </summary>
    public void HandIncoming(ActivationTensor input, bool asView = false, bool expanded = false, IReadOnlyList<int>? reducedAxes = null,
        int? axis = null) =>
        gradients.Add(new InputGradient(input, BytesOf(input), SharesIncoming: true, asView)
        {
            Expanded = expanded, ReducedAxes = reducedAxes, Axis = axis
        });

    public BackwardPlan Build() => new(moments.Count == 0 ? new[] { ByteCount.Zero } : moments.ToList(), gradients.ToList());
}

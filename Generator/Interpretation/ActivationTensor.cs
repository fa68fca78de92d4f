using System.Collections.Generic;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// The memory behind one or more tensors during forward. It stays alive while a tensor that uses it is
/// not disposed, or when autograd saved it for backward.
/// </summary>
internal sealed class Storage(Dim elements, ScalarType elementType, ModuleInstance? owner, bool isResident, ByteCount? sizedInBytes = null)
{
    public Dim Elements { get; } = elements;

    /// <summary>Set for a native work buffer sized in bytes, not elements (oneDNN's page-aligned RNN workspace).</summary>
    public ByteCount? SizedInBytes { get; } = sizedInBytes;
    public ScalarType ElementType { get; } = elementType;

    /// <summary>The innermost module running when it was allocated (activations are attributed to it).</summary>
    public ModuleInstance? Owner { get; } = owner;

    /// <summary>The input batch, a parameter or a buffer: counted in their own rows, not in Activations.</summary>
    public bool IsResident { get; } = isResident;

    public bool SavedForBackward { get; set; }

    /// <summary>How many recorded ops saved it; backward frees it after the last of them ran (if no handle holds it).</summary>
    public int Savers { get; set; }

    /// <summary>Its size in bytes as Constant + PerSample × B; null when unknown or not linear in B.</summary>
    public ByteCount? Bytes()
    {
        try { return BytesOrThrow(); }
        catch (System.Exception e) when (e is NotLinearInBatchException or System.OverflowException or System.InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Its size; throws when the element size is unknown, the bytes overflow, or they grow faster than B.</summary>
    public ByteCount BytesOrThrow()
    {
        if (SizedInBytes is { } sized) return sized;
        if (ElementType.SizeOf() is not { } size)
            throw new System.InvalidOperationException($"the element size of {ElementType} is not known");
        return ByteCount.Of(Elements, size);
    }
}

/// <summary>
/// A tensor flowing through forward: its shape, its storage (views share it), its strides over the storage (null:
/// contiguous, as ATen judges it in this pass), whether it needs grad.
/// </summary>
internal sealed class ActivationTensor(
    TensorShape shape, ScalarType elementType, Storage storage, bool requiresGrad, IReadOnlyList<Dim>? strides = null) : Value
{
    public TensorShape Shape { get; } = shape;
    public ScalarType ElementType { get; } = elementType;
    public Storage Storage { get; } = storage;
    public bool RequiresGrad { get; } = requiresGrad;

    /// <summary>Strides in elements where the tensor is not contiguous; see <see cref="TensorLayout"/>.</summary>
    public IReadOnlyList<Dim>? Strides { get; } = strides;

    public bool IsContiguous => Strides is null;

    /// <summary>
    /// Where <see cref="Strides"/> is null (contiguous) but a size-1 dimension's stride is not the contiguous one (a
    /// permuted view): the strides ATen really has. Contiguity ignores them; channels-last detection does not.
    /// </summary>
    public IReadOnlyList<Dim>? ExactStrides { get; init; }

    /// <summary>
    /// Made by a layer from a strided input its rule does not follow (its memory is unknown), or a view or pointwise
    /// result of such a tensor: its strides here are a guess, so a view's shape check on it cannot be trusted.
    /// </summary>
    public bool LayoutNotFollowed { get; set; }

    /// <summary>
    /// A view of a parameter that needs a gradient: ATen reads its requires_grad flag as set even under no_grad, where
    /// <see cref="RequiresGrad"/> (what autograd records) is false; matmul decides how to fold on that flag.
    /// </summary>
    public bool IsTrainableParameter { get; init; }

    /// <summary>The tensor this one is a view of (null for a tensor that owns its storage): backward walks the chain back.</summary>
    public ActivationTensor? ViewSource { get; init; }

    /// <summary>Another handle to the same tensor (an in-place op's result), not a view op of autograd's.</summary>
    public bool IsAlias { get; init; }

    /// <summary>Made by slice or select: its backward fills zeros of the source's size, even where it covers all of it.</summary>
    public bool IsSlice { get; init; }

    /// <summary>The parameter or buffer this resident tensor (or a view of it) is: its gradient goes into that parameter's .grad.</summary>
    public TensorSlot? Parameter { get; init; }

    public bool RequiresGradFlag => RequiresGrad || IsTrainableParameter;

    /// <summary>Set when TorchSharp disposes the handle (Sequential does so with intermediate results).</summary>
    public bool Disposed { get; set; }

    public override string Describe() => $"Tensor{Shape}";
}

/// <summary>An index of tensor[...]: TensorIndex.Colon, Ellipsis, None or Slice(start, stop, step).</summary>
internal sealed class TensorIndexValue(string kind, IntValue? start = null, IntValue? stop = null, IntValue? step = null) : Value
{
    public string Kind { get; } = kind;

    /// <summary>The bounds as given: a sequence length's polynomial is kept, so a slice to it follows it.</summary>
    public IntValue? StartValue { get; } = start;
    public IntValue? StopValue { get; } = stop;
    public IntValue? StepValue { get; } = step;

    public override string Describe() => Kind == "Slice" ? $"Slice({StartValue?.Peek}, {StopValue?.Peek}, {StepValue?.Peek})" : Kind;
}

/// <summary>A size read from a tensor (x.shape[0], x.size(0)) that may be the symbolic batch size.</summary>
internal sealed class DimValue(Dim dim) : Value
{
    public Dim Dim { get; } = dim;
    public override string Describe() => Dim.ToString();
}

using System.Collections.Generic;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// One op autograd recorded in forward: what backward will need a gradient for, what it releases,
/// and the temporary gradients of the parameters it accumulates into .grad.
/// </summary>
internal sealed class TapeNode(string kind, IReadOnlyList<ActivationTensor> inputs, IReadOnlyList<ActivationTensor> outputs,
    IReadOnlyList<Storage> saved, IReadOnlyList<ParameterGradient> parameterGradients, bool passesGradientThrough = false,
    Shapes.ByteCount backwardScratch = default, IReadOnlyList<Shapes.ByteCount>? backwardMoments = null,
    IReadOnlyList<DenseGradient>? denseGradients = null, BackwardPlan? plan = null)
{
    /// <summary>What its backward allocates and hands on, where measured op by op; null: one gradient per input's storage.</summary>
    public BackwardPlan? Plan { get; } = plan;

    /// <summary>Add and subtract hand their output's gradient to their inputs as it is: no new tensor.</summary>
    public bool PassesGradientThrough { get; } = passesGradientThrough;

    /// <summary>The module whose call recorded it (null for tensor ops and functional calls).</summary>
    public ModuleInstance? Caller { get; init; }

    /// <summary>The layer or op that recorded it (Linear, relu, add, ...).</summary>
    public string Kind { get; } = kind;

    public IReadOnlyList<ActivationTensor> Inputs { get; } = inputs;
    public IReadOnlyList<ActivationTensor> Outputs { get; } = outputs;
    public IReadOnlyList<Storage> Saved { get; } = saved;

    /// <summary>
    /// Each trainable parameter's fresh gradient, in the order the parameters are listed. Autograd sums the
    /// gradients of a parameter that several nodes use in an input buffer before adding them into .grad.
    /// </summary>
    public IReadOnlyList<ParameterGradient> ParameterGradients { get; } = parameterGradients;

    /// <summary>Work tensors its backward allocates for a moment beside the gradients (sort buffers, index copies; measured per layer).</summary>
    public Shapes.ByteCount BackwardScratch { get; } = backwardScratch;

    /// <summary>The part of <see cref="BackwardScratch"/> only a dense incoming gradient's kernel allocates.</summary>
    public Shapes.ByteCount DenseGradientScratch { get; init; } = Shapes.ByteCount.Zero;

    /// <summary>
    /// The tensor its backward multiplies the incoming gradient by (dropout's noise, over the input's dimensions): the
    /// gradient it hands back is that product, laid out by TensorIterator from the incoming gradient first.
    /// </summary>
    public (Shapes.TensorShape Shape, IReadOnlyList<Shapes.Dim>? Strides)? GradientFactor { get; init; }

    /// <summary>
    /// The layout its backward needs the incoming gradient in (scaled_dot_product_attention's: its output's); one laid out
    /// otherwise, expanded included, is copied into it for the backward's duration.
    /// </summary>
    public IReadOnlyList<Shapes.Dim>? GradientLayoutNeeded { get; init; }

    /// <summary>
    /// mul or div of two types: backward multiplies by an operand converted to the result's type, and how that product is
    /// laid out over sum's expanded gradient handed back through a transpose was not measured (seed 136: it came out
    /// strided where the rule said dense; without the transpose it was measured dense).
    /// </summary>
    public bool ConvertsOperandInBackward { get; init; }

    /// <summary>
    /// For a backward whose work tensors come and go in stages (oneDNN's convolution): the bytes it holds beyond
    /// the incoming gradient at each moment that can be its largest, its own results included while alive.
    /// </summary>
    public IReadOnlyList<Shapes.ByteCount> BackwardMoments { get; } = backwardMoments ?? System.Array.Empty<Shapes.ByteCount>();

    /// <summary>
    /// Incoming gradients its backward needs whole and dense (oneDNN's RNN backward): each costs its bytes for the whole
    /// backward when it is missing (zeros) or arrives non-contiguous (a copy); added to every line of this node.
    /// </summary>
    public IReadOnlyList<DenseGradient> DenseGradients { get; } = denseGradients ?? System.Array.Empty<DenseGradient>();
}

/// <summary>How an incoming gradient arrives, as far as the layer rule can tell from forward.</summary>
internal enum GradientLayout
{
    /// <summary>Dense when it arrives (a fresh gradient of the whole tensor).</summary>
    Contiguous,

    /// <summary>A strided view when it arrives (a slice of a concatenation's gradient, a transposed view's).</summary>
    NonContiguous,

    /// <summary>Whichever the ops after the layer make: the peak is unknown when it arrives.</summary>
    Unknown,
}

/// <summary>
/// One incoming gradient a backward needs dense: <paramref name="Carrier"/> is the storage backward hands it to (an
/// output, or a separate view standing for it), <paramref name="Bytes"/> what a zero or contiguous stand-in takes,
/// <paramref name="Of"/> what it is, for the Notes.
/// </summary>
internal sealed record DenseGradient(Storage Carrier, Shapes.ByteCount Bytes, GradientLayout Layout, string Of);

/// <summary>The fresh gradient of one parameter: which parameter (several nodes may use it) and its bytes.</summary>
internal sealed class ParameterGradient
{
    private readonly TensorSlot? slot;
    private readonly long bytes;
    private readonly int elementSize;

    private ParameterGradient(object parameter, TensorSlot? slot, long bytes, int elementSize, string? name = null)
    {
        Parameter = parameter;
        Name = name;
        this.slot = slot;
        this.bytes = bytes;
        this.elementSize = elementSize;
    }

    /// <summary>The tensor whose gradient this is: uses of one parameter by several nodes share it.</summary>
    public object Parameter { get; }

    /// <summary>The parameter's name in its module (weight, bias), where a rule needs to tell them apart.</summary>
    public string? Name { get; }

    /// <summary>
    /// The gradient's bytes; for a parameter, its element count's polynomial carried along (a parametric run), so that
    /// backward's simulation pins it only where it compares or prints it.
    /// </summary>
    public Shapes.ByteCount Bytes => slot is null
        ? new Shapes.ByteCount(bytes, 0)
        : Shapes.ByteCount.Of(new Shapes.Dim(slot.PeekElementCount!.Value, 0, slot.CountForm), elementSize);

    /// <summary>The gradient of one of the module's parameters.</summary>
    public static ParameterGradient Of(TensorSlot parameter, int elementSize, string? name = null) => new(parameter, parameter, 0, elementSize, name);

    /// <summary>A gradient of a parameter no other node shares (a slice's scattered gradient, say).</summary>
    public static ParameterGradient Unshared(long bytes, string? name = null) => new(new object(), null, bytes, 0, name);
}

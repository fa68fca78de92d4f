using System.Linq;

namespace TorchBudget.Generator.Model;

/// <summary>What <c>[MemoryProfile]</c> asked for, validated. The optimizer is kept by member name.</summary>
internal sealed record ProfileSettings(
    EquatableArray<long> InputShape,
    Shapes.ScalarType DType,
    Shapes.ScalarType InputDType,
    string Optimizer,
    EquatableArray<long> BatchSizes)
{
    /// <summary>The loss of the training step (<c>Loss</c> on the attribute).</summary>
    public Losses.LossKind Loss { get; init; } = Losses.LossKind.CrossEntropy;

    /// <summary>Whether the attribute names the loss; the default is taken for [batch, classes] outputs only.</summary>
    public bool LossDeclared { get; init; }

    /// <summary>Which result of a tuple-returning forward the loss takes (<c>LossOutput</c>).</summary>
    public int LossOutput { get; init; }

    /// <summary>Whether the optimizer is given only requires_grad parameters (<c>OptimizerParameters.Trainable</c>).</summary>
    public bool OptimizerTrainableOnly { get; init; }

    /// <summary>The kernels the peaks are worked out for.</summary>
    public KernelProfile Kernels { get; init; } = KernelProfile.Measured;

    /// <summary>forward's further tensor arguments, from <c>[MemoryInput]</c>, by position.</summary>
    public EquatableArray<InputSpec> FurtherInputs { get; init; } = EquatableArray<InputSpec>.Empty;

    /// <summary>
    /// <c>ForwardArguments</c> as C# literals by position ("null" where none is given), for the runtime to call forward
    /// with; the interpreter gets their values from the attribute.
    /// </summary>
    public EquatableArray<string> ForwardArgumentTexts { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Which dimensions of the profiled input are the sequence (<c>SequenceDimensions</c>); empty for most models.</summary>
    public EquatableArray<int> SequenceDimensions { get; init; } = EquatableArray<int>.Empty;

    /// <summary>Every tensor forward takes, by position: the profile's input at 0, then <see cref="FurtherInputs"/>.</summary>
    public System.Collections.Generic.IEnumerable<InputSpec> Inputs =>
        new[] { new InputSpec(0, InputShape, InputDType) { SequenceDimensions = SequenceDimensions } }.Concat(FurtherInputs);

    /// <summary>
    /// The profiled sequence length, where some input marks sequence dimensions (the parser checks they all have one
    /// length); else null.
    /// </summary>
    public long? SequenceLength =>
        Inputs.SelectMany(i => i.SequenceDimensions.Select(d => (long?)i.Shape[d])).FirstOrDefault();
}

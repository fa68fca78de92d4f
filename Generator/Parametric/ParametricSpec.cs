using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Parametric;

/// <summary>One integer parameter of the profiled constructor, as the emitted methods take it.</summary>
internal sealed record SizeParameter(string Name, string TypeName, long ProfiledValue, string? DefaultValue);

/// <summary>A named module's own counts on one construction path, as polynomials in the size parameters.</summary>
internal sealed record ParametricLayer(string Name, string Kind, Polynomial ParameterCount, Polynomial TrainableParameterCount,
    Polynomial BufferElements);

/// <summary>
/// What the constructor builds wherever it takes the decisions in <see cref="Guards"/>: every count and the
/// model-state rows of the memory table as polynomials in the size parameters.
/// </summary>
internal sealed record ConstructionPath(
    EquatableArray<SizeGuard> Guards,
    Polynomial ParameterCount,
    Polynomial TrainableParameterCount,
    Polynomial BufferElements,
    Polynomial ParameterBytes,
    Polynomial BufferBytes,
    Polynomial GradientBytes,
    Polynomial OptimizerStateBytes,
    EquatableArray<ParametricLayer> Layers)
{
    /// <summary>
    /// Activations as Constant + PerSample × B, where forward's own decisions (<see cref="ForwardGuards"/>) hold as
    /// well; null where forward could not be followed with the sizes as polynomials.
    /// </summary>
    public ParametricBytes? Activations { get; init; }

    /// <summary>What forward decided on the sizes, beyond <see cref="Guards"/>: where <see cref="Activations"/> holds.</summary>
    public EquatableArray<SizeGuard> ForwardGuards { get; init; } = EquatableArray<SizeGuard>.Empty;

    /// <summary>
    /// The training step's peak lines (absolute bytes; the peak at B is the largest), where backward's simulation
    /// decided as here too (<see cref="PeakGuards"/>); null where it could not be followed with the sizes as polynomials.
    /// </summary>
    public EquatableArray<ParametricBytes>? PeakLines { get; init; }

    /// <summary>Batch 1's own activations where it runs other kernels than larger batches; else null.</summary>
    public ParametricBytes? ActivationsAtBatchOne { get; init; }

    /// <summary>Batch 1's own peak lines where it runs other kernels (its peak is their largest at B = 1); else null.</summary>
    public EquatableArray<ParametricBytes>? PeakLinesAtBatchOne { get; init; }

    /// <summary>What backward's simulation decided on the sizes, beyond the forward's: where <see cref="PeakLines"/> hold.</summary>
    public EquatableArray<SizeGuard> PeakGuards { get; init; } = EquatableArray<SizeGuard>.Empty;
}

/// <summary>Constant + PerSample × B bytes, each a polynomial in the size parameters.</summary>
internal sealed record ParametricBytes(Polynomial Constant, Polynomial PerSample);

/// <summary>The parametric formulas of a profiled model: its size parameters, what stays fixed, and the analyzed paths.</summary>
internal sealed record ParametricSpec(
    EquatableArray<SizeParameter> Parameters,
    string FixedArguments,
    EquatableArray<ConstructionPath> Paths);

/// <summary>
/// The training step at sequence lengths T where <see cref="Guards"/> hold (on variable 0, T): the Input row per sample,
/// the activations and the peak lines, each Constant + PerSample × B with polynomials in T.
/// </summary>
internal sealed record SequencePath(
    EquatableArray<SizeGuard> Guards,
    Polynomial InputPerSample,
    ParametricBytes Activations,
    ParametricBytes? ActivationsAtBatchOne)
{
    /// <summary>The peak lines; null where backward's simulation could not be followed in T.</summary>
    public EquatableArray<ParametricBytes>? PeakLines { get; init; }

    /// <summary>Batch 1's own peak lines where it runs other kernels; else null.</summary>
    public EquatableArray<ParametricBytes>? PeakLinesAtBatchOne { get; init; }

    /// <summary>The inference pass at these lengths; null where it could not be followed in T.</summary>
    public SequenceInference? Inference { get; init; }
}

/// <summary>
/// The inference pass (eval, no_grad) at sequence lengths T: the batch per sample, the activations and the peak lines
/// (null where unknown), with batch 1's own where it runs other kernels; polynomials in T.
/// </summary>
internal sealed record SequenceInference(Polynomial InputPerSample, ParametricBytes Activations, ParametricBytes? ActivationsAtBatchOne)
{
    public EquatableArray<ParametricBytes>? PeakLines { get; init; }

    public EquatableArray<ParametricBytes>? PeakLinesAtBatchOne { get; init; }
}

/// <summary>The formulas in the sequence length of a model whose inputs mark sequence dimensions.</summary>
internal sealed record SequenceSpec(long ProfiledLength, EquatableArray<SequencePath> Paths);

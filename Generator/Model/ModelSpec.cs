using System.Linq;

namespace TorchBudget.Generator.Model;

/// <summary>
/// Everything the emitter and the analyzers need about one profiled class, as plain equatable data.
/// </summary>
internal sealed record ModelSpec(
    TypeTarget Target,
    ProfileSettings Settings,
    EquatableArray<LayerSpec> Layers,
    long? ParameterCount,
    long? TrainableParameterCount,
    long? BufferElements,
    Memory? Memory,
    EquatableArray<string> Notes,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>Layers with parameters and where they were built, for the analyzers; stripped before emission like Diagnostics.</summary>
    public EquatableArray<LayerSite> LayerSites { get; init; } = EquatableArray<LayerSite>.Empty;

    /// <summary>Forward's multiply-accumulates per sample (docs/compute-cost.md); null when unknown.</summary>
    public long? MultiplyAccumulatesPerSample { get; init; }

    /// <summary>The model's own [MemoryBudget], validated; null when it has none (or it is invalid: TBG005). Not emitted.</summary>
    public BudgetSpec? Budget { get; init; }

    /// <summary>Why the training peak is unknown, for TBG001's "cannot be checked"; null where it is known or no reason
    /// was given. Not emitted (the Notes say it).</summary>
    public UnknownReason? PeakUnknown { get; init; }

    /// <summary>
    /// Whether a peak counts work sized by the kernel profile (<see cref="ProfileSettings.Kernels"/>): oneDNN's blocks and
    /// scratchpads, per-thread buffers. The harness compares such peaks only in a process that runs that profile.
    /// </summary>
    public bool PeaksFollowKernels { get; init; }

    /// <summary>ParameterCountFor/MemoryReportFor over the constructor's integer parameters; null when not generated.</summary>
    public Parametric.ParametricSpec? Parametric { get; init; }

    /// <summary>The formulas in the sequence length where the inputs mark sequence dimensions; null when not generated.</summary>
    public Parametric.SequenceSpec? Sequence { get; init; }

    /// <summary>True when every count and every memory row is known: nothing was left to a guess.</summary>
    public bool IsComplete => ParameterCount is not null && TrainableParameterCount is not null
        && BufferElements is not null && Layers.All(l => l.ParameterCount is not null)
        && Memory is { Activations: not null, PeakLines: not null };
}

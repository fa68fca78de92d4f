using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Parametric;

/// <summary>One integer parameter of the profiled constructor, as the emitted methods take it.</summary>
internal sealed record SizeParameter(string Name, string TypeName, long ProfiledValue, string? DefaultValue);

/// <summary>A named module's own counts on one construction path, as polynomials in the size parameters.</summary>
internal sealed record ParametricLayer(string Name, string Kind, Polynomial ParameterCount, Polynomial TrainableParameterCount, Polynomial BufferElements);

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
    EquatableArray<ParametricLayer> Layers);

/// <summary>The parametric formulas of a profiled model: its size parameters, what stays fixed, and the analyzed paths.</summary>
internal sealed record ParametricSpec(
    EquatableArray<SizeParameter> Parameters,
    string FixedArguments,
    EquatableArray<ConstructionPath> Paths);

using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TorchBudget.Generator.Analysis;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Parsing;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Parametric;

/// <summary>
/// Runs the profiled constructor again with its integer parameters as polynomials (<see cref="SizeForm"/>): the layer
/// rules carry them into every parameter and buffer shape, and each decision on them becomes a guard. The counts of a
/// run are exact wherever its guards hold. Where a guard confines a size to few values (a loop over a depth), the
/// constructor is run again at other values of it, each run adding a path.
/// </summary>
internal static class ParametricAnalysis
{
    /// <summary>The analyzed paths, or null with the reason where none could be built.</summary>
    /// <param name="profiledRun">The interpreter of the profiled analysis: each symbolic run is a <see cref="Interpreter.Sibling"/> of it.</param>
    public static (ParametricSpec? Spec, string? WhyNot) Analyze(INamedTypeSymbol type, IMethodSymbol constructor, IReadOnlyList<Value> arguments,
        Interpreter profiledRun, ProfileSettings settings, ForwardBinding forwardArguments, LocationInfo? location,
        ICollection<SyntaxTree>? dependencies)
    {
        var sizeParameters = constructor.Parameters.Where(IsSize).ToList();
        if (sizeParameters.Count == 0) return (null, null);
        if (EmittedNames.FirstOrDefault(name => !type.GetMembers(name).IsEmpty) is { } taken)
            return (null, $"'{type.Name}' already declares a member named {taken}");
        var plain = profiledRun.Sibling().DefaultArguments(constructor, arguments);
        var profiled = new long[sizeParameters.Count];
        for (var i = 0; i < sizeParameters.Count; i++)
        {
            if (plain.TryGetValue(sizeParameters[i], out var value) && value is IntValue number) profiled[i] = number.Peek;
            else return (null, $"the value of '{sizeParameters[i].Name}' is not a known integer");
        }

        // All runs together get the step budget of one analysis: a constructor near the limit is not run 32 times.
        var steps = 0L;
        ConstructionPath? Run(long[] values)
        {
            var interpreter = profiledRun.Sibling();
            var guards = new SizeGuards();
            var bound = interpreter.DefaultArguments(constructor, arguments);
            for (var i = 0; i < sizeParameters.Count; i++)
                bound[sizeParameters[i]] = new IntValue(values[i], new SizeForm(Polynomial.Variable(i), guards));
            try
            {
                var root = interpreter.Construct(type, constructor, bound, location);
                if (root is not ModuleValue { Module: var model } || guards.Unpinnable || PathOf(model, guards, settings) is not { } path)
                    return null;
                // Forward's decisions come after the construction's, backward's after forward's: each bounds only what follows it.
                var constructionGuards = guards.Taken.Count;
                // Batch 1 may run other kernels (ATen's im2col for small convolutions): then its own pass gives its figures.
                var trace = ForwardOf(interpreter, model, settings, forwardArguments, atBatchOne: false);
                if (trace is not null) BackwardSimulation.AskBatchOneQuestions(trace);
                var atOne = trace is { OtherKernelsAtBatchOne: true }
                    ? ForwardOf(interpreter, model, settings, forwardArguments, atBatchOne: true)
                    : null;
                if (trace is not null) path = WithGradientRecipients(path, model, trace, settings);
                var activations = trace is null ? null : ActivationsOf(trace, settings);
                var activationsAtOne = atOne is null ? null : ActivationsOf(atOne, settings);
                if (activations is null || (trace!.OtherKernelsAtBatchOne && activationsAtOne is null) || guards.Unpinnable) return path;
                var forwardGuards = guards.Taken.Count;
                path = path with
                {
                    Activations = activations,
                    ActivationsAtBatchOne = activationsAtOne,
                    ForwardGuards = GuardIntervals.Merge(guards.Taken.Skip(constructionGuards).Take(forwardGuards - constructionGuards).ToList())
                        .ToEquatableArray(),
                };
                var peak = PeakLinesOf(trace, path, values, settings, guards);
                var peakAtOne = atOne is null ? null : PeakLinesOf(atOne, path, values, settings, guards);
                if (peak is null || (atOne is not null && peakAtOne is null) || guards.Unpinnable) return path;
                var peakGuards = GuardIntervals.Merge(guards.Taken.Skip(forwardGuards).ToList());
                var bounds = path.Guards.Concat(path.ForwardGuards).Concat(peakGuards).ToList();
                return path with
                {
                    PeakLines = PeakPruning.Prune(peak, bounds, values).ToEquatableArray(),
                    PeakLinesAtBatchOne = peakAtOne is null ? null : PeakPruning.Prune(peakAtOne, bounds, values).ToEquatableArray(),
                    PeakGuards = peakGuards.ToEquatableArray(),
                };
            }
            catch (AnalysisLimitException)
            {
                return null;
            }
            finally
            {
                steps += interpreter.Steps;
                if (dependencies is not null) foreach (var tree in interpreter.TouchedTrees) dependencies.Add(tree);
            }
        }

        var paths = new List<ConstructionPath>();
        if (Run(profiled) is not { } first) return (null, "the constructor could not be followed with its sizes as symbols");
        paths.Add(first);
        // Other values of each confined size, taken in turns so that every confined size gets some within the run budget.
        var runs = 1;
        var confined = ConfinedVariables(first.Guards, sizeParameters.Count).Select(v => (Variable: v, Values: ValuesToTry(profiled[v]))).ToList();
        for (var turn = 0; turn < confined.Select(c => c.Values.Count).DefaultIfEmpty(0).Max(); turn++)
        {
            foreach (var (variable, values) in confined.Where(c => turn < c.Values.Count))
            {
                var point = (long[])profiled.Clone();
                point[variable] = values[turn];
                if (runs >= InterpreterLimits.MaxParametricRuns || steps >= InterpreterLimits.MaxSteps
                    || paths.Any(p => p.Guards.All(g => g.Holds(point)))) continue;
                runs++;
                // A run whose guards do not hold at its own point would mean a decision was not recorded: never keep it.
                if (Run(point) is { } path && path.Guards.All(g => g.Holds(point))) paths.Add(path);
            }
        }

        var fixedArguments = string.Join(", ", constructor.Parameters
            .Where(p => !IsSize(p) && plain.ContainsKey(p))
            .Select(p => $"{p.Name} = {plain[p].Describe()}"));
        var parameters = sizeParameters.Select((p, i) => new SizeParameter(
            EscapedName(p.Name),
            p.Type.SpecialType == SpecialType.System_Int32 ? "int" : "long",
            profiled[i],
            p.HasExplicitDefaultValue && p.ExplicitDefaultValue is { } d
                ? System.Convert.ToInt64(d, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)
                : null)).ToEquatableArray();
        return (new ParametricSpec(parameters, fixedArguments, paths.ToEquatableArray()), null);
    }

    /// <summary>The members the emitted code adds to the class.</summary>
    private static readonly string[] EmittedNames =
        { "ParameterCountFor", "MemoryReportFor", "TorchBudgetConstructionPath", "TorchBudgetForwardFollowed", "TorchBudgetPeakFollowed" };

    /// <summary>
    /// The values a confined size is tried at, nearest first: the neighbours of its profiled value (a 24-layer model
    /// swept from 20 to 28), then 1 to <see cref="InterpreterLimits.MaxExploredSize"/>.
    /// </summary>
    internal static List<long> ValuesToTry(long profiled)
    {
        var values = new List<long>();
        for (var offset = 1L; offset <= InterpreterLimits.ExploredNeighbours; offset++)
        {
            if (profiled - offset > 0) values.Add(profiled - offset);
            if (profiled <= long.MaxValue - offset) values.Add(profiled + offset);
        }
        for (var value = 1L; value <= InterpreterLimits.MaxExploredSize; value++) values.Add(value);
        return values.Distinct().Where(v => v != profiled).ToList();
    }

    private static bool IsSize(IParameterSymbol parameter) =>
        !parameter.IsParams && parameter.RefKind == RefKind.None
        && parameter.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64;

    private static string EscapedName(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>
    /// Sizes the path's one-variable guards hold below <see cref="InterpreterLimits.MaxExploredSize"/> or pin: a loop
    /// bound or an equality. Others (a width that only has to be positive, or divisible by the head count) are left alone.
    /// </summary>
    private static IEnumerable<int> ConfinedVariables(EquatableArray<SizeGuard> guards, int count)
    {
        for (var variable = 0; variable < count; variable++)
        {
            // The guards are merged: a size's bounds read x − lo ≥ 0, hi − x ≥ 0 or x − v = 0.
            var single = guards.Where(g => g.Expression.AsOneSize() is { } one && one.Variable == variable).ToList();
            var confined = single.Any(g => g.Relation == GuardRelation.Zero)
                || single.Any(g => g.Relation is GuardRelation.Positive or GuardRelation.NonNegative
                    && g.Expression.AsOneSize() is { Coefficient: < 0, Constant: <= InterpreterLimits.MaxExploredSize });
            if (confined) yield return variable;
        }
    }

    /// <summary>
    /// The training forward or the inference pass (or batch 1's own), where no layer changes kernels from some batch size on (a regime
    /// would need a pass of its own); null otherwise.
    /// </summary>
    internal static ForwardTrace? ForwardOf(Interpreter interpreter, ModuleInstance model, ProfileSettings settings, ForwardBinding arguments,
        bool atBatchOne, bool training = true)
    {
        ForwardTrace trace;
        try
        {
            trace = interpreter.RunForward(model, arguments, settings.DType, gradEnabled: training, atBatchOne,
                fromBatch: null, training, settings.Kernels, Losses.LossRules.For(settings));
        }
        catch (AnalysisLimitException) { return null; }
        return trace.KernelsChangeAt.Count > 0 ? null : trace;
    }

    /// <summary>Forward's activations as polynomials, where it keeps no page-rounded buffer; else null.</summary>
    internal static ParametricBytes? ActivationsOf(ForwardTrace trace, ProfileSettings settings) =>
        ActivationAccounting.Of(trace, settings.DType).Total is { IsLinear: true } total
            ? new ParametricBytes(total.ConstantExpression, total.PerSampleExpression)
            : null;

    /// <summary>
    /// The standard step's peak lines as polynomials, as <see cref="MemoryRows"/> builds them: the resident rows and the
    /// input, plus what backward's simulation has alive at each moment. Null where that is unknown or page-rounded.
    /// </summary>
    private static List<ParametricBytes>? PeakLinesOf(ForwardTrace trace, ConstructionPath path, long[] values, ProfileSettings settings,
        SizeGuards guards)
    {
        if (MemoryRows.BatchBytesPerSample(settings) is not { } inputPerSample) return null;
        try
        {
            var resident = path.ParameterBytes.Plus(path.BufferBytes).Plus(path.GradientBytes).Plus(path.OptimizerStateBytes);
            var steady = new ByteCount(resident.Evaluate(values), inputPerSample, EquatableArray<RoundedBytes>.Empty, new SizeForm(resident, guards));
            var gradients = new ByteCount(path.GradientBytes.Evaluate(values), 0, EquatableArray<RoundedBytes>.Empty,
                new SizeForm(path.GradientBytes, guards));
            return PeakLinesOf(trace, steady, settings, gradients);
        }
        catch (System.OverflowException)
        {
            return null;
        }
    }

    /// <summary>
    /// The peak lines on <paramref name="steady"/> (the resident rows and the batch), as polynomials; null where they
    /// are unknown or page-rounded.
    /// </summary>
    internal static List<ParametricBytes>? PeakLinesOf(ForwardTrace trace, ByteCount steady, ProfileSettings settings, ByteCount gradients)
    {
        try
        {
            var lines = MemoryRows.StepPeakLines(trace, steady, MemoryRows.OptimizerStepTransient(settings.Optimizer, gradients, settings.DType));
            // A page-rounded buffer has no polynomial form here.
            return lines is null || lines.Any(l => !l.IsLinear)
                ? null
                : lines.Select(l => new ParametricBytes(l.ConstantExpression, l.PerSampleExpression)).ToList();
        }
        catch (System.OverflowException)
        {
            return null;
        }
    }

    private static ConstructionPath? PathOf(ModuleInstance model, SizeGuards guards, ProfileSettings settings)
    {
        var namedModules = Registration.NamedModules(model);
        var reachable = new[] { model }.Concat(namedModules.Select(m => m.Value)).Distinct().ToList();
        if (reachable.Any(m => m.Unknowns.Count > 0)) return null;
        if (settings.DType.SizeOf() is null) return null;
        try
        {
            Polynomial Count(IEnumerable<TensorSlot> tensors) => tensors.Aggregate(Polynomial.Zero, (sum, t) => sum.Plus(FormOf(t)));
            Polynomial Bytes(IEnumerable<TensorSlot> tensors) =>
                tensors.Aggregate(Polynomial.Zero, (sum, t) =>
                    sum.Plus(FormOf(t).Times(t.TypeIn(settings.DType).Size())));
            var parameters = Registration.NamedParameters(model).Select(p => p.Value).ToList();
            var buffers = Registration.NamedBuffers(model).Select(b => b.Value).ToList();
            if (parameters.Concat(buffers).Any(t => t.PeekElementCount is null)) return null;
            var parameterBytes = Bytes(parameters);
            var (gradientBytes, optimizerBytes) = GradientRows(parameters, null, settings);
            var layers = namedModules.Select(m => new ParametricLayer(m.Key, m.Value.Kind,
                Count(m.Value.Parameters.Select(p => p.Value)),
                Count(m.Value.Parameters.Select(p => p.Value).Where(p => p.RequiresGrad)),
                Count(m.Value.Buffers.Select(b => b.Value)))).ToEquatableArray();
            return new ConstructionPath(GuardIntervals.Merge(guards.Taken).ToEquatableArray(), Count(parameters),
                Count(parameters.Where(p => p.RequiresGrad)), Count(buffers), parameterBytes, Bytes(buffers), gradientBytes, optimizerBytes, layers);
        }
        catch (System.OverflowException)
        {
            return null;
        }
    }

    /// <summary>The Gradients and OptimizerState rows: gradients for the parameters backward reaches (all trainable ones where not known).</summary>
    private static (Polynomial Gradients, Polynomial OptimizerState) GradientRows(IReadOnlyList<TensorSlot> parameters, HashSet<object>? recipients,
        ProfileSettings settings)
    {
        Polynomial Bytes(IEnumerable<TensorSlot> tensors) =>
            tensors.Aggregate(Polynomial.Zero, (sum, t) =>
                sum.Plus(FormOf(t).Times(t.TypeIn(settings.DType).Size())));
        var gradientBytes = Bytes(parameters.Where(p => GradientRecipients.Gets(recipients, p)));
        var optimizerBytes = (settings.Optimizer == "SgdMomentum" ? gradientBytes
                : Bytes(settings.OptimizerTrainableOnly ? parameters.Where(p => p.RequiresGrad) : parameters))
            .Times(MemoryRows.OptimizerStateFactor(settings.Optimizer));
        return (gradientBytes, optimizerBytes);
    }

    /// <summary>The path with only the parameters forward's backward reaches counted as getting gradients.</summary>
    private static ConstructionPath WithGradientRecipients(ConstructionPath path, ModuleInstance model, ForwardTrace trace, ProfileSettings settings)
    {
        if (GradientRecipients.Of(trace) is not { } recipients) return path;
        var (gradients, optimizerState) =
            GradientRows(Registration.NamedParameters(model).Select(p => p.Value).ToList(), recipients, settings);
        return path with { GradientBytes = gradients, OptimizerStateBytes = optimizerState };
    }

    private static Polynomial FormOf(TensorSlot tensor) => tensor.CountForm?.Expression ?? Polynomial.Constant(tensor.PeekElementCount!.Value);
}

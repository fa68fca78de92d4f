using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using TorchBudget.Generator.Diagnostics;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Parametric;
using TorchBudget.Generator.Parsing;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Analysis;

/// <summary>
/// One model's analysis, Roslyn → <see cref="ModelSpec"/>: reads the attribute (Parsing/), runs the module's constructor
/// and forward passes in the interpreter, and condenses the result into plain equatable data (what Emitting/ writes and
/// the analyzers report). Never throws: failures become diagnostics.
/// </summary>
internal static class ModelAnalysis
{
    /// <param name="dependencies">When given, receives the syntax trees the result depends on: the class's own and
    /// every tree whose code the interpreter read (see <see cref="ModelCache"/>).</param>
    /// <param name="parametricFormulas">Whether to build ParameterCountFor/MemoryReportFor's paths: the emitter needs
    /// them, the analyzer (whose diagnostics do not depend on them) does not.</param>
    /// <param name="kernels">The kernels the peaks are for, over the attribute's (tests); null: the attribute's
    /// <c>Kernels</c>, else <paramref name="projectKernels"/>, else <see cref="KernelProfile.Measured"/>.</param>
    /// <param name="projectKernels">The project's profile (MSBuild's TorchBudgetKernels), where the attribute names none.</param>
    public static ModelSpec Analyze(INamedTypeSymbol type, AttributeData attribute, Compilation compilation, CancellationToken cancellationToken,
        ICollection<SyntaxTree>? dependencies = null, bool parametricFormulas = true, KernelProfile? kernels = null,
        KernelProfile? projectKernels = null)
    {
        if (dependencies is not null)
        {
            foreach (var reference in type.DeclaringSyntaxReferences) dependencies.Add(reference.SyntaxTree);
        }
        var (target, notPartial) = TypeTargets.From(type);
        ProfileAttribute? profile = null;
        try
        {
            profile = ProfileAttribute.Read(attribute, type.Name, kernels, projectKernels);
            var diagnostics = new List<DiagnosticInfo>(profile.Diagnostics);
            var settings = profile.Settings with { FurtherInputs = InputAttributes.Read(type, diagnostics) };
            if (settings.Inputs.SelectMany(i => i.SequenceDimensions.Select(d => i.Shape[d])).Distinct().Count() > 1)
            {
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.InvalidAttributeArguments.Id, profile.Location,
                    new[] { "MemoryProfile", type.Name, "the inputs' sequence dimensions must have one length (the profiled T)" }
                        .ToEquatableArray()));
            }
            var torch = TorchSharpSymbols.From(compilation);

            string? notProfilable = !torch.Available ? "the project does not reference TorchSharp"
                : !torch.IsModule(type) ? "it is not a TorchSharp module (derive from torch.nn.Module<Tensor, Tensor>)"
                : type.IsAbstract ? "it is abstract"
                : type.IsGenericType ? "it is generic, so its layer sizes are not fixed"
                : notPartial is not null ? $"'{notPartial}' is not partial, so TorchBudget cannot add members to it (declare it 'partial')"
                : null;
            if (notProfilable is not null)
            {
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.NotProfilable.Id, LocationInfo.From(type.Locations[0]),
                    new[] { type.Name, notProfilable }.ToEquatableArray()));
                return Empty(target with { CanEmit = false }, settings, diagnostics, notProfilable);
            }
            if (diagnostics.Count > 0)
            {
                return Empty(target with { CanEmit = false }, settings, diagnostics, "the [MemoryProfile] arguments are invalid");
            }

            IMethodSymbol? factory = null;
            IMethodSymbol? constructor = null;
            IReadOnlyList<Value> arguments = Array.Empty<Value>();
            string? problem;
            if (profile.Factory is { } factoryName)
            {
                factory = type.GetMembers(factoryName).OfType<IMethodSymbol>()
                    .FirstOrDefault(m => m.IsStatic && m.Parameters.Length == 0 && !m.IsGenericMethod && torch.IsModule(m.ReturnType)
                        && m.DeclaringSyntaxReferences.Length > 0);
                problem = factory is null ? $"Factory '{factoryName}' is not a static parameterless method of '{type.Name}' in source "
                    + "that returns a module" : null;
            }
            else (constructor, arguments, problem) = ConstructorChoice.Choose(type, profile.Arguments);
            var forwardArguments = problem is not null ? null : ForwardBinding.Bind(type, torch, settings, profile.ForwardArguments, out problem);
            if ((constructor is null && factory is null) || forwardArguments is null)
            {
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.InvalidAttributeArguments.Id, profile.Location,
                    new[] { "MemoryProfile", type.Name, problem! }.ToEquatableArray()));
                return Empty(target with { CanEmit = false }, settings, diagnostics, problem!);
            }

            var interpreter = new Interpreter(compilation, torch, cancellationToken);
            Value root;
            ForwardTrace? forward = null;
            ForwardTrace? inference = null;
            try
            {
                try
                {
                    root = factory is not null ? Built(interpreter.RunFactory(factory), type, profile.Location)
                        : interpreter.Construct(type, constructor!, interpreter.DefaultArguments(constructor!, arguments), profile.Location);
                }
                catch (AnalysisLimitException limit)
                {
                    root = limit.Unknown;
                }
                if (root is ModuleValue { Module: var model })
                {
                    forward = RunPasses(interpreter, model, settings, forwardArguments, training: true);
                    inference = RunPasses(interpreter, model, settings, forwardArguments, training: false);
                }
            }
            finally
            {
                if (dependencies is not null)
                {
                    foreach (var tree in interpreter.TouchedTrees) dependencies.Add(tree);
                }
            }
            var budget = BudgetAttribute.Read(type, diagnostics);
            var spec = ModelAssembler.Assemble(target, settings, root, forward, diagnostics, profile.Location, type.Name, inference)
                with { Budget = budget };
            if (MeasuredTorchSharp.Gap(torch.Version) is { } gap) spec = MeasuredTorchSharp.WithoutMemory(spec, gap, profile.Location, type.Name);
            if (parametricFormulas && settings.SequenceLength is not null)
            {
                spec = SequenceFormulas.Add(spec, root is ModuleValue { Module: var built } && spec.Memory is { } memory
                    ? () => SequenceAnalysis.Analyze(interpreter, built, settings, forwardArguments, memory)
                    : null);
                if (dependencies is not null) foreach (var tree in interpreter.TouchedTrees) dependencies.Add(tree);
            }
            if (factory is not null && parametricFormulas && spec.ParameterCount is not null)
                return spec with { Notes = spec.Notes.Append("ParameterCountFor and MemoryReportFor are not generated: the model is "
                    + $"built by its Factory '{factory.Name}', not by a constructor whose sizes they could vary.").ToEquatableArray() };
            if (parametricFormulas && spec.Memory is { UnregisteredBytes: > 0 })
                return spec with { Notes = spec.Notes.Append("ParameterCountFor and MemoryReportFor are not generated: they do not "
                    + "follow the tensors registration leaves out (the Unregistered row).").ToEquatableArray() };
            return !parametricFormulas || spec.ParameterCount is null || spec.Memory is null ? spec
                : WithParametricFormulas(spec, AnalyzeParametric(() =>
                    ParametricAnalysis.Analyze(type, constructor!, arguments, interpreter, settings, forwardArguments, profile.Location,
                        dependencies)));
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            // The compiler must never see an exception from us: report it and emit nothing.
            var settings = profile?.Settings
                ?? new ProfileSettings(EquatableArray<long>.Empty, ScalarType.Float32, ScalarType.Float32, "Adam", EquatableArray<long>.Empty);
            // The innermost frame says where, for the bug report.
            var frames = exception.StackTrace?.Split('\n').Select(f => f.Trim()).ToList();
            var frame = frames?.FirstOrDefault(f => f.StartsWith("at TorchBudget.", StringComparison.Ordinal)) ?? frames?.FirstOrDefault();
            var message = $"{exception.GetType().Name}: {exception.Message}" + (frame is null ? "" : $" ({frame})");
            var diagnostic = new DiagnosticInfo(DiagnosticDescriptors.InternalError.Id, LocationInfo.From(type.Locations[0]),
                new[] { type.Name, message }.ToEquatableArray());
            return Empty(target with { CanEmit = false }, settings, new[] { diagnostic }, message);
        }
    }

    /// <summary>What a Factory returned: the profiled class's module, or why the analysis cannot use it.</summary>
    private static Value Built(Value built, INamedTypeSymbol type, LocationInfo? location) => built switch
    {
        ModuleValue { Module.UserType: { } made } when SymbolEqualityComparer.Default.Equals(made, type) => built,
        UnknownValue => built,
        _ => new UnknownValue($"the Factory returns {built.Describe()}, not a '{type.Name}' the analysis built", location),
    };

    /// <summary>
    /// The training step's forward (train mode, autograd on) or the inference pass (<c>model.eval()</c>, forward under
    /// <c>torch.no_grad()</c>), each with passes of its own for batch 1 and for larger batches where some layer runs other
    /// kernels there.
    /// </summary>
    private static ForwardTrace RunPasses(Interpreter interpreter, ModuleInstance model, ProfileSettings settings, ForwardBinding arguments,
        bool training)
    {
        ForwardTrace Run(bool atBatchOne = false, long? fromBatch = null) =>
            interpreter.RunForward(model, arguments, settings.DType, gradEnabled: training, atBatchOne,
                fromBatch, training, settings.Kernels, Losses.LossRules.For(settings));
        var pass = Run();
        if (training) BackwardSimulation.AskBatchOneQuestions(pass);
        if (pass.OtherKernelsAtBatchOne) pass.BatchOnePass = Run(atBatchOne: true);
        foreach (var threshold in pass.KernelsChangeAt.Take(InterpreterLimits.MaxBatchRegimes)) pass.LargerBatchPasses.Add(Run(fromBatch: threshold));
        return pass;
    }

    /// <summary>The parametric formulas are an addition: a failure there costs them, never the profiled report.</summary>
    private static (ParametricSpec?, string?) AnalyzeParametric(Func<(ParametricSpec?, string?)> analyze)
    {
        try { return analyze(); }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return (null, $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    /// <summary>
    /// Adds the parametric formulas, after checking that the path taken at the profiled sizes gives the profiled counts:
    /// the same rules, so a difference would be a bug in following the sizes, never a number to emit.
    /// </summary>
    private static ModelSpec WithParametricFormulas(ModelSpec spec, (ParametricSpec? Spec, string? WhyNot) parametric)
    {
        if (parametric.Spec is not { } formulas)
        {
            return parametric.WhyNot is { } why
                ? spec with { Notes = spec.Notes.Append($"ParameterCountFor and MemoryReportFor are not generated: {why}.").ToEquatableArray() }
                : spec;
        }
        var profiled = formulas.Parameters.Select(p => p.ProfiledValue).ToArray();
        var first = formulas.Paths[0];
        var agrees = first.ParameterCount.Evaluate(profiled) == spec.ParameterCount
            && first.TrainableParameterCount.Evaluate(profiled) == spec.TrainableParameterCount
            && first.BufferElements.Evaluate(profiled) == spec.BufferElements
            && first.ParameterBytes.Evaluate(profiled) == spec.Memory!.ParameterBytes
            && first.BufferBytes.Evaluate(profiled) == spec.Memory.BufferBytes
            && first.OptimizerStateBytes.Evaluate(profiled) == spec.Memory.OptimizerStateBytes
            && ForwardAgrees(first, profiled, spec.Memory);
        return agrees
            ? spec with { Parametric = formulas }
            : spec with
            {
                Notes = spec.Notes.Append("ParameterCountFor and MemoryReportFor are not generated: "
                    + "the symbolic analysis at the profiled sizes disagrees with the profiled report.").ToEquatableArray()
            };
    }

    /// <summary>
    /// The profiled path's activations and peak, where it has them, equal the profiled table's at the profiled sizes: the
    /// activations term by term, the peak at batch 1 (where it has its own pass), 2, 64 and 1,024. A table with batch
    /// regimes has a peak the symbolic path never gives.
    /// </summary>
    private static bool ForwardAgrees(ConstructionPath path, long[] profiled, Memory memory)
    {
        if (path.Activations is { } activations
            && (memory.Activations is not { IsLinear: true } known || activations.Constant.Evaluate(profiled) != known.PinConstant()
                || activations.PerSample.Evaluate(profiled) != known.PinPerSample()))
        {
            return false;
        }
        // Batch 1's own figures: the symbolic path must have them exactly where the profiled table does.
        if (path.Activations is not null && memory.ActivationsAtBatchOne is { } activationsAtOne
            && (path.ActivationsAtBatchOne is not { } pathAtOne
                || pathAtOne.Constant.Evaluate(profiled) + pathAtOne.PerSample.Evaluate(profiled) != activationsAtOne))
        {
            return false;
        }
        if (path.PeakLines is not { } lines) return true;
        if (memory.PeakAtBatchOne is not null && path.PeakLinesAtBatchOne is null) return false;
        if (memory.PeakLines is not { } table || memory.LargerBatchPeaks.Count > 0) return false;
        long PeakAt(long batch, IEnumerable<(long Constant, long PerSample)> formulas) =>
            formulas.Max(f => checked(f.Constant + f.PerSample * batch));
        var symbolic = lines.Select(l => (l.Constant.Evaluate(profiled), l.PerSample.Evaluate(profiled))).ToList();
        var profiledLines = table.Where(l => l.IsLinear).Select(l => (l.PinConstant(), l.PinPerSample())).ToList();
        var atOneAgrees = path.PeakLinesAtBatchOne is not { } one
            || memory.PeakAtBatchOne == PeakAt(1, one.Select(l => (l.Constant.Evaluate(profiled), l.PerSample.Evaluate(profiled))));
        return atOneAgrees && profiledLines.Count == table.Count
            && new long[] { 2, 64, 1024 }.All(b => PeakAt(b, symbolic) == PeakAt(b, profiledLines));
    }

    private static ModelSpec Empty(TypeTarget target, ProfileSettings settings, IEnumerable<DiagnosticInfo> diagnostics, string note) =>
        new(target, settings, EquatableArray<LayerSpec>.Empty, null, null, null, null, new[] { note }.ToEquatableArray(),
            diagnostics.ToEquatableArray());
}

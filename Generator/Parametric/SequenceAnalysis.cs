using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Analysis;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Parsing;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Parametric;

/// <summary>
/// Runs the training forward again with the inputs' sequence dimensions as one polynomial variable T (the model as
/// profiled): every shape forward derives from them follows T, each decision on T becomes a guard, and backward's
/// simulation turns the pass into peak lines whose terms are polynomials in T (attention's T² included). Where a rule
/// reads T as a plain number (a kernel whose blocking it does not follow), T is pinned and the path holds at that
/// length only; other lengths then get paths of their own, as a confined constructor size does.
/// </summary>
internal static class SequenceAnalysis
{
    /// <summary>The analyzed paths, or null with the reason where none could be built.</summary>
    public static (SequenceSpec? Spec, string? WhyNot) Analyze(Interpreter interpreter, ModuleInstance model, ProfileSettings settings,
        ForwardBinding arguments, Memory memory)
    {
        if (settings.SequenceLength is not { } profiled) return (null, null);
        if (memory.UnregisteredBytes > 0) return (null, "the tensors registration leaves out (the Unregistered row) are not followed in T");
        if (memory.LargerBatchPeaks.Count > 0) return (null, "some layer changes kernels with the batch size");
        var resident = checked(memory.ParameterBytes + memory.BufferBytes + memory.GradientBytes + memory.OptimizerStateBytes);
        SequencePath? Run(long length)
        {
            var guards = new SizeGuards();
            var form = new SizeForm(Polynomial.Variable(0), guards);
            var sequence = arguments.WithSequence(form, length);
            var trace = ParametricAnalysis.ForwardOf(interpreter, model, settings, sequence, atBatchOne: false);
            // A length where forward fails (a cat of T against a fixed size) or is not followed is not covered.
            if (trace is null || !Followed(trace)) return null;
            BackwardSimulation.AskBatchOneQuestions(trace);
            var atOne = trace.OtherKernelsAtBatchOne
                ? ParametricAnalysis.ForwardOf(interpreter, model, settings, sequence, atBatchOne: true)
                : null;
            var activations = ParametricAnalysis.ActivationsOf(trace, settings);
            var activationsAtOne = atOne is null ? null : ParametricAnalysis.ActivationsOf(atOne, settings);
            if (activations is null || (atOne is null) == trace.OtherKernelsAtBatchOne || (atOne is not null && !Followed(atOne))
                || guards.Unpinnable)
            {
                return null;
            }
            if (BatchPerSample(settings) is not { } batch || MemoryRows.TargetBytes(trace) is not { } target) return null;
            var steady = new ByteCount(resident, batch.Evaluate(new[] { length }), EquatableArray<RoundedBytes>.Empty,
                perSampleForm: new SizeForm(batch, guards));
            var gradients = new ByteCount(memory.GradientBytes, 0);
            var peak = ParametricAnalysis.PeakLinesOf(trace, steady, settings, gradients);
            var peakAtOne = atOne is null ? null : ParametricAnalysis.PeakLinesOf(atOne, steady, settings, gradients);
            if (guards.Unpinnable) return null;
            var inference = memory.Inference is { LargerBatchPeaks.Count: 0 }
                ? InferenceOf(interpreter, model, settings, sequence, memory.ParameterBytes + memory.BufferBytes, batch, guards, length)
                : null;
            var bounds = SequenceGuards.Simplify(guards.Taken).Guards;
            var known = peak is not null && (atOne is null || peakAtOne is not null);
            var values = new[] { length };
            return new SequencePath(bounds.ToEquatableArray(), batch.Plus(target.PerSampleExpression), activations, activationsAtOne)
            {
                PeakLines = known ? PeakPruning.Prune(peak!, bounds, values).ToEquatableArray() : null,
                PeakLinesAtBatchOne = known && peakAtOne is not null ? PeakPruning.Prune(peakAtOne, bounds, values).ToEquatableArray() : null,
                Inference = inference is null ? null : inference with
                {
                    PeakLines = inference.PeakLines is { } lines ? PeakPruning.Prune(lines.ToList(), bounds, values).ToEquatableArray() : null,
                    PeakLinesAtBatchOne = inference.PeakLinesAtBatchOne is { } one
                        ? PeakPruning.Prune(one.ToList(), bounds, values).ToEquatableArray()
                        : null,
                },
            };
        }

        var steps = interpreter.Steps;
        SequencePath? TryRun(long length)
        {
            try { return Run(length); }
            catch (System.Exception e) when (e is AnalysisLimitException or System.OverflowException or NotLinearInBatchException) { return null; }
        }
        if (TryRun(profiled) is not { } first) return (null, "forward could not be followed with the sequence length as a symbol");
        var paths = new List<SequencePath> { first };
        // Lengths no path covers yet get runs of their own, nearest first: where the first path's interval or exclusions
        // end (T = 1, T equal to a buffer's length), then the profiled length's neighbours and 1 to 16.
        var tried = new HashSet<long> { profiled };
        var candidates = new Queue<long>(Boundaries(first.Guards).Concat(ParametricAnalysis.ValuesToTry(profiled)));
        while (candidates.Count > 0 && paths.Count < InterpreterLimits.MaxParametricRuns
            && interpreter.Steps - steps < InterpreterLimits.MaxSteps / 2)
        {
            var length = candidates.Dequeue();
            if (length < 1 || !tried.Add(length) || paths.Any(p => p.Guards.All(g => g.Holds(new[] { length })))) continue;
            if (TryRun(length) is not { } path || !path.Guards.All(g => g.Holds(new[] { length }))) continue;
            paths.Add(path);
            foreach (var next in Boundaries(path.Guards)) candidates.Enqueue(next);
        }
        return (new SequenceSpec(profiled, paths.ToEquatableArray()), null);
    }

    /// <summary>
    /// The inference pass (eval, no_grad) in T, as <see cref="InferenceRows"/> builds its rows: what the scope holds after
    /// forward, and a line per allocation on the parameters, buffers and batch. Null where forward cannot be followed.
    /// </summary>
    private static SequenceInference? InferenceOf(Interpreter interpreter, ModuleInstance model, ProfileSettings settings, ForwardBinding sequence,
        long resident, Polynomial batch, SizeGuards guards, long length)
    {
        var pass = ParametricAnalysis.ForwardOf(interpreter, model, settings, sequence, atBatchOne: false, training: false);
        if (pass is null || !Followed(pass) || ParametricAnalysis.ActivationsOf(pass, settings) is not { } activations) return null;
        var atOne = pass.OtherKernelsAtBatchOne ? ParametricAnalysis.ForwardOf(interpreter, model, settings, sequence, true, training: false) : null;
        var activationsAtOne = atOne is null ? null : ParametricAnalysis.ActivationsOf(atOne, settings);
        if (pass.OtherKernelsAtBatchOne && (activationsAtOne is null || !Followed(atOne!))) return null;
        var steady = new ByteCount(resident, batch.Evaluate(new[] { length }), EquatableArray<RoundedBytes>.Empty,
            perSampleForm: new SizeForm(batch, guards));
        List<ParametricBytes>? Lines(ForwardTrace trace)
        {
            if (trace.UnmodeledPeak.Count > 0 || trace.ForwardPeaks() is not { } peaks) return null;
            var lines = peaks.Append(ByteCount.Zero).Select(p => steady.Plus(p)).ToList();
            return lines.Any(l => !l.IsLinear) ? null : lines.Select(l => new ParametricBytes(l.ConstantExpression, l.PerSampleExpression)).ToList();
        }
        var main = Lines(pass);
        var one = atOne is null ? null : Lines(atOne);
        var known = main is not null && (atOne is null || one is not null);
        return new SequenceInference(batch, activations, activationsAtOne)
        {
            PeakLines = known ? main!.ToEquatableArray() : null,
            PeakLinesAtBatchOne = known ? one?.ToEquatableArray() : null,
        };
    }

    /// <summary>Whether the pass ran to its output with no shape error and nothing it could not follow.</summary>
    private static bool Followed(ForwardTrace trace) => trace.Mismatches.Count == 0 && trace.Unknowns.Count == 0 && trace.Output is not null;

    /// <summary>The lengths just outside a path's interval and the ones it excludes: where another path may start.</summary>
    private static IEnumerable<long> Boundaries(EquatableArray<SizeGuard> guards)
    {
        var (_, lower, upper, excluded) = SequenceGuards.Simplify(guards);
        if (lower > 1) yield return lower - 1;
        if (upper is { } top && top < long.MaxValue) yield return top + 1;
        foreach (var value in excluded) yield return value;
    }

    /// <summary>The batch's bytes per sample as a polynomial in T: every input, its sequence dimensions T long.</summary>
    private static Polynomial? BatchPerSample(ProfileSettings settings)
    {
        var total = Polynomial.Zero;
        foreach (var input in settings.Inputs)
        {
            if (input.DType.SizeOf() is not { } size) return null;
            total = total.Plus(input.Shape
                .Select((d, i) => input.SequenceDimensions.Contains(i) ? Polynomial.Variable(0) : Polynomial.Constant(d))
                .Aggregate(Polynomial.Constant(size), (product, d) => product.Times(d)));
        }
        return total;
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace TorchBudget;

public sealed partial class MemoryReport
{
    /// <summary>The formulas in the sequence length, where the inputs mark sequence dimensions; else null.</summary>
    internal GeneratedSequence? Sequence { get; init; }

    /// <summary>The report at the profiled length, which every length-taking member starts from.</summary>
    private MemoryReport Profiled { get; init; } = null!;

    /// <summary>Which dimensions of <see cref="InputShape"/> are the sequence (<c>SequenceDimensions</c>); empty where none are marked.</summary>
    public IReadOnlyList<int> SequenceDimensions => Array.AsReadOnly(Sequence?.Dimensions ?? Array.Empty<int>());

    /// <summary>The sequence length this report's rows are for; null where no input marks sequence dimensions.</summary>
    public long? SequenceLength { get; internal init; }

    /// <summary>
    /// The lengths the formulas in T cover, as the analysis followed them ("T &gt;= 1 and T &lt;= 32": the mask a GPT slices
    /// has its context length); null where the formulas were not generated (the Notes say why).
    /// </summary>
    public string? SequenceLengthsCovered => Sequence?.At is null ? null : Sequence.Covered;

    /// <summary>
    /// The report at another sequence length: the counts and model-state rows as profiled, the Input row, the
    /// activations and the peak by the formulas in T (attention's T² terms included), and the inference table where
    /// forward was followed in T without autograd too. The per-layer shapes are the profiled length's only.
    /// </summary>
    /// <exception cref="InvalidOperationException">No input marks sequence dimensions, or the formulas in T were not generated.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The length is not positive, or is on no path the analysis followed.</exception>
    public MemoryReport ForSequenceLength(long sequenceLength)
    {
        if (sequenceLength <= 0) throw new ArgumentOutOfRangeException(nameof(sequenceLength), sequenceLength, "The length must be positive.");
        var profiled = Profiled ?? this;
        if (profiled.Sequence is not { } sequence)
        {
            throw new InvalidOperationException($"{ModelName} marks no sequence dimensions: name them with SequenceDimensions on "
                + "[MemoryProfile] (or [MemoryInput]) to vary the length.");
        }
        if (sequenceLength == sequence.ProfiledLength) return profiled;
        if (sequence.At is not { } at || profiled.Memory is not { } memory)
        {
            throw new InvalidOperationException($"The memory of {ModelName} at other sequence lengths is unknown: {string.Join(" ", Notes)}");
        }
        var step = at(sequenceLength) ?? throw new ArgumentOutOfRangeException(nameof(sequenceLength), sequenceLength,
            $"{ModelName}: forward decides otherwise at T = {sequenceLength} than on any path TorchBudget followed, so it has no "
            + $"exact figures there. Covered: {sequence.Covered}.");
        var length = sequenceLength.ToString(CultureInfo.InvariantCulture);
        var notes = new[]
        {
            $"Built for sequence length {length} by the formulas in T (the profiled length is {sequence.ProfiledLength}): the counts, " +
                "the model-state rows, the input, the activations" + (step.HasPeak ? " and the peak" : "") + " are exact.",
            (step.HasPeak ? "" : "The peak is unknown at this length: backward's simulation could not be followed with T as a symbol. ")
                + (step.HasInference
                    ? "The inference table follows T too; the per-layer shapes are worked out at the profiled length only."
                    : "The inference table and the per-layer shapes are worked out at the profiled length only."),
        };
        var shape = InputShape.Select((d, i) => sequence.Dimensions.Contains(i) ? sequenceLength : d).ToArray();
        var layers = Layers.Select(l => new LayerReport(l.Name, l.Kind, l.ParameterCount, l.TrainableParameterCount, l.BufferElements, null,
            null)).ToArray();
        return new MemoryReport(ModelName, shape, DType, InputDType, Optimizer, BatchSizes.ToArray(), ParameterCount, TrainableParameterCount,
            BufferElements, isComplete: false, notes, layers, outputShape: null, step.ToModel(memory))
        {
            Loss = Loss,
            KernelProfile = KernelProfile,
            PeaksFollowKernels = PeaksFollowKernels,
            OptimizerParameters = OptimizerParameters,
            LossOutput = LossOutput,
            FurtherInputs = FurtherInputs.Select(i => i.AtLength(sequenceLength)).ToArray(),
            ForwardArguments = ForwardArguments,
            Sequence = sequence,
            Profiled = profiled,
            SequenceLength = sequenceLength,
        };
    }

    /// <summary>The memory of one training step at <paramref name="batchSize"/> and <paramref name="sequenceLength"/>.</summary>
    /// <exception cref="InvalidOperationException">A row is unknown at that length; the Notes say why.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the length is on no path the analysis followed.</exception>
    public MemoryBreakdown ForBatch(long batchSize, long sequenceLength) => ForSequenceLength(sequenceLength).ForBatch(batchSize);

    /// <summary>
    /// The longest sequence whose training Peak at <paramref name="batchSize"/> fits in <paramref name="safetyFactor"/> ×
    /// <paramref name="budgetBytes"/>, among the lengths the formulas cover (<see cref="SequenceLengthsCovered"/>: a model
    /// that slices a mask of its context length answers at most that); 0 when not even length 1 fits. The search takes
    /// the peak as growing with T, which every term of it does.
    /// </summary>
    /// <exception cref="InvalidOperationException">The peak is unknown in T; the Notes say why.</exception>
    public long MaxSequenceLength(long budgetBytes, long batchSize, double safetyFactor = 0.8)
    {
        if (budgetBytes <= 0) throw new ArgumentOutOfRangeException(nameof(budgetBytes), budgetBytes, "The budget must be positive.");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        if (safetyFactor <= 0 || safetyFactor > 1)
            throw new ArgumentOutOfRangeException(nameof(safetyFactor), safetyFactor, "The safety factor must be in (0, 1].");
        var profiled = Profiled ?? this;
        var start = profiled.ForSequenceLength(profiled.SequenceLength ?? 1);
        start.ForBatch(batchSize); // throws when the profiled table is incomplete
        var usable = (decimal)budgetBytes * (decimal)safetyFactor;
        bool Fits(long length)
        {
            MemoryReport report;
            try { report = profiled.ForSequenceLength(length); }
            catch (ArgumentOutOfRangeException) { return false; }
            if (report.Memory!.MissingRows is { } missing)
            {
                throw new InvalidOperationException(
                    $"The peak of {ModelName} at T = {length} is unknown ({missing}): {string.Join(" ", report.Notes)}");
            }
            try { return report.Memory.PeakAt(batchSize) <= usable; }
            catch (OverflowException) { return false; }
        }
        // Gallop from the profiled length, then bisect between the last length that fits and the first that does not.
        long good = 0, bad;
        var probe = profiled.SequenceLength!.Value;
        if (Fits(probe))
        {
            good = probe;
            var stride = probe;
            while (true)
            {
                if (good > long.MaxValue - stride) { bad = long.MaxValue; break; }
                if (!Fits(good + stride)) { bad = good + stride; break; }
                good += stride;
                stride = stride > long.MaxValue / 2 ? stride : stride * 2;
            }
        }
        else bad = probe;
        while (bad - good > 1)
        {
            var middle = good + (bad - good) / 2;
            if (Fits(middle)) good = middle;
            else bad = middle;
        }
        return good;
    }
}

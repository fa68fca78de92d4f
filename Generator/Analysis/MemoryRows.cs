using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Analysis;

/// <summary>The memory table's rows from the registered tensors, the optimizer and the forward pass.</summary>
internal static class MemoryRows
{
    /// <summary>
    /// Optimizer state per parameter byte in TorchSharp 0.107 (measured): Adam/AdamW allocate exp_avg and
    /// exp_avg_sq when constructed, amsgrad adds max_exp_avg_sq, RMSprop allocates square_avg,
    /// momentum_buffer and grad_avg, Adagrad a sum; SGD with momentum a buffer at the first step.
    /// </summary>
    public static int OptimizerStateFactor(string optimizer) => optimizer switch
    {
        "Adam" or "AdamW" => 2,
        "AdamAmsgrad" or "RMSprop" => 3,
        "Adagrad" or "SgdMomentum" => 1,
        _ => 0,
    };

    /// <summary>
    /// What the optimizer step allocates for a moment, per byte of parameters with gradients (measured on 0.107):
    /// Adam/AdamW/AMSGrad two temporaries, RMSprop and Adagrad one, SGD none; plus a double scalar and, for parameters of
    /// another type than Float64, its copy in their type (the allocation counter's log: "+8 +4" for Float32, "+8 +2" for
    /// Float16/BFloat16, "+8" for Float64).
    /// </summary>
    public static ByteCount OptimizerStepTransient(string optimizer, ByteCount gradientBytes, ScalarType parameterType)
    {
        var scalars = new ByteCount(parameterType == ScalarType.Float64 ? 8 : 8 + (parameterType.SizeOf() ?? 4), 0);
        return optimizer switch
        {
            "Adam" or "AdamW" or "AdamAmsgrad" => gradientBytes.Plus(gradientBytes).Plus(scalars),
            "RMSprop" or "Adagrad" => gradientBytes.Plus(scalars),
            "SgdMomentum" => scalars,
            _ => ByteCount.Zero,
        };
    }

    /// <summary>One sample of every input batch forward takes, in bytes (the loss's target not included); null for an unsized type.</summary>
    public static long? BatchBytesPerSample(ProfileSettings settings)
    {
        var total = 0L;
        foreach (var input in settings.Inputs)
        {
            if (input.DType.SizeOf() is not { } size) return null;
            total = checked(total + checked(input.Shape.Aggregate(1L, (a, b) => checked(a * b)) * size));
        }
        return total;
    }

    /// <summary>
    /// The bytes of the loss's labels or target for the pass's output (in the Input row, alive through the step); null
    /// where the loss cannot take the output or its size is unknown.
    /// </summary>
    public static ByteCount? TargetBytes(ForwardTrace pass)
    {
        if (pass.Output is not { } output || pass.Loss.Misfit(output.Shape) is not null || output.ElementType.SizeOf() is not { } size) return null;
        try { return pass.Loss.TargetBytes(output.Shape, size); }
        catch (System.Exception e) when (e is NotLinearInBatchException or System.OverflowException) { return null; }
    }

    /// <summary>
    /// The Input row's bytes of labels or target per sample: the loss's target for forward's output; none where the loss
    /// cannot take a known output (no step runs); where the output is unknown, the default loss's Int64 label (it runs only
    /// on [batch, classes]), and for a declared loss null: its target is unknown.
    /// </summary>
    public static long? TargetPerSample(ProfileSettings settings, ForwardTrace? forward)
    {
        if (forward is not null && TargetBytes(forward) is { } target) return target.PinPerSample();
        if (forward?.Output is { } output && forward.Loss.Misfit(output.Shape) is not null) return 0;
        return settings.LossDeclared ? null : 8;
    }

    /// <summary>
    /// A pass's peak lines for the standard step: what backward's simulation has alive at each moment, on top of the
    /// steady bytes (resident rows and the input batch) and the loss's target. Null where that is unknown, or where a
    /// page-rounded buffer would be freed more often than allocated (a modeling error, not a peak).
    /// </summary>
    public static List<ByteCount>? StepPeakLines(ForwardTrace pass, ByteCount steady, ByteCount optimizerStep)
    {
        if (pass.Output is not { } output || TargetBytes(pass) is not { } target
            || BackwardSimulation.PeakTerms(pass, output, optimizerStep) is not { } terms) return null;
        return terms.All(t => t.Rounded.All(r => r.Times > 0)) ? terms.Select(t => steady.Plus(target).Plus(t)).ToList() : null;
    }

    public static Memory? Of(ProfileSettings settings, IReadOnlyList<TensorSlot> parameters, IReadOnlyList<TensorSlot> buffers,
        UnregisteredTensors unregistered, ActivationAccounting? activations, ForwardTrace? forward, string? outputShape,
        ForwardTrace? inference = null)
    {
        if (settings.DType.SizeOf() is null || settings.Inputs.Any(i => i.DType.SizeOf() is null)) return null;
        try
        {
            long Bytes(IEnumerable<TensorSlot> tensors) => tensors.Aggregate(0L, (sum, t) =>
                checked(sum + t.PinElementCount()!.Value * t.TypeIn(settings.DType).Size()));
            var parameterBytes = Bytes(parameters);
            var recipients = GradientRecipients.Of(forward);
            var gradientBytes = Bytes(parameters.Where(p => GradientRecipients.Gets(recipients, p)));
            // The optimizer keeps state for each parameter it is given (all, or the trainable ones); SGD's momentum only where a gradient is.
            var optimizerBytes =
                checked(OptimizerStateFactor(settings.Optimizer) * (settings.Optimizer == "SgdMomentum" ? gradientBytes
                    : settings.OptimizerTrainableOnly ? Bytes(parameters.Where(p => p.RequiresGrad)) : parameterBytes));
            var batchPerSample = BatchBytesPerSample(settings)!.Value;
            if (TargetPerSample(settings, forward) is not { } targetPerSample) return null;
            var inputPerSample = checked(batchPerSample + targetPerSample);
            var bufferBytes = Bytes(buffers);
            EquatableArray<ByteCount>? peakLines = null;
            long? peakAtBatchOne = null;
            var largerBatchPeaks = new List<PeakRegime>();
            var optimizerStep = OptimizerStepTransient(settings.Optimizer, new ByteCount(gradientBytes, 0), settings.DType);
            if (unregistered.WeightBytes() is not { } unregisteredWeights
                || unregistered.GradientBytes(recipients) is not { } unregisteredGradients) return null;
            var unregisteredBytes = checked(unregisteredWeights + unregisteredGradients);
            var resident = checked(parameterBytes + bufferBytes + gradientBytes + optimizerBytes + unregisteredBytes);
            var steady = new ByteCount(resident, batchPerSample);
            if (activations?.Total is not null && forward is not null && StepPeakLines(forward, steady, optimizerStep) is { } lines)
            {
                peakLines = lines.ToEquatableArray();
                if (forward.BatchOnePass is { } batchOne)
                {
                    // Batch 1 runs other kernels (ATen's im2col for small convolutions): its own pass gives its peak, or none is known.
                    var atOne = StepPeakLines(batchOne, steady, optimizerStep);
                    if (atOne is null) peakLines = null;
                    else peakAtBatchOne = atOne.Max(t => t.At(1));
                }
                // Each batch regime's pass gives the lines from its batch on; a regime without lines leaves the peak unknown.
                foreach (var pass in forward.LargerBatchPasses)
                {
                    if (StepPeakLines(pass, steady, optimizerStep) is not { } regime) { peakLines = null; break; }
                    largerBatchPeaks.Add(new PeakRegime(pass.StandsFromBatch!.Value, regime.ToEquatableArray()));
                }
                if (forward.KernelsChangeAt.Count > forward.LargerBatchPasses.Count) peakLines = null;
            }
            // Batch 1's own pass may also keep less (ATen skips a copy a one-sample transpose does not need).
            var activationTotal = activations?.Total;
            long? activationsAtBatchOne = null;
            if (activationTotal is not null && forward?.BatchOnePass is { } onePass)
            {
                if (ActivationAccounting.Of(onePass, settings.DType).Total is { } atOne)
                {
                    if (atOne.At(1) != activationTotal.Value.At(1)) activationsAtBatchOne = atOne.At(1);
                }
                else
                {
                    activationTotal = null;
                }
            }
            return new Memory(parameterBytes, bufferBytes, gradientBytes, optimizerBytes, inputPerSample,
                activationTotal, peakLines, outputShape, peakAtBatchOne)
            {
                ActivationsAtBatchOne = activationsAtBatchOne,
                UnregisteredBytes = unregisteredBytes,
                LargerBatchPeaks = peakLines is null ? EquatableArray<PeakRegime>.Empty : largerBatchPeaks.ToEquatableArray(),
                Inference = inference is null ? null
                    : InferenceRows.Of(checked(parameterBytes + bufferBytes + unregisteredWeights), batchPerSample, inference),
            };
        }
        catch (System.OverflowException)
        {
            return null;
        }
    }
}

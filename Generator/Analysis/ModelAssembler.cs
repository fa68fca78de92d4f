using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using TorchBudget.Generator.Diagnostics;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Analysis;

/// <summary>Condenses the interpreted module tree into a <see cref="ModelSpec"/>: layers, totals, notes, diagnostics.</summary>
internal static class ModelAssembler
{
    public static ModelSpec Assemble(TypeTarget target, ProfileSettings settings, Value root, ForwardTrace? forward, List<DiagnosticInfo> diagnostics,
        LocationInfo? attributeLocation, string modelName, ForwardTrace? inference = null)
    {
        var notes = new List<string>();
        var reported = new HashSet<(LocationInfo?, string)>();
        UnknownReason? peakUnknown = null;
        void ReportUnknown(UnknownValue unknown)
        {
            var location = unknown.Location ?? attributeLocation;
            if (!reported.Add((location, unknown.Reason))) return;
            diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.CannotAnalyze.Id, location,
                new[] { unknown.Reason, modelName }.ToEquatableArray()));
            var note = location is null ? $"Not analyzed: {unknown.Reason}."
                : $"Not analyzed: {unknown.Reason} ({Path.GetFileName(location.FilePath)}, line {location.LineSpan.Start.Line + 1}).";
            notes.Add(note);
            peakUnknown ??= new UnknownReason(UnknownCode.NotFollowed, note);
        }

        if (root is not ModuleValue { Module: var model })
        {
            ReportUnknown(root as UnknownValue ?? new UnknownValue("the model's constructor", attributeLocation));
            return new ModelSpec(target, settings, EquatableArray<LayerSpec>.Empty, null, null, null, null, notes.ToEquatableArray(),
                diagnostics.ToEquatableArray())
            {
                PeakUnknown = peakUnknown,
            };
        }

        if (ModuleDepth.Exceeds(model, InterpreterLimits.MaxModuleDepth))
        {
            // Naming and counting recurse once per level, with names that grow per level: too deep to follow.
            ReportUnknown(new UnknownValue($"modules nested more than {InterpreterLimits.MaxModuleDepth} deep", attributeLocation));
            return new ModelSpec(target, settings, EquatableArray<LayerSpec>.Empty, null, null, null, null, notes.ToEquatableArray(),
                diagnostics.ToEquatableArray())
            {
                PeakUnknown = peakUnknown,
            };
        }
        var namedModules = Registration.NamedModules(model);
        var reachable = new[] { model }.Concat(namedModules.Select(m => m.Value)).Distinct().ToList();
        foreach (var module in reachable)
        {
            foreach (var unknown in module.Unknowns) ReportUnknown(unknown);
            ReportUnregisteredFields(module, diagnostics, notes);
        }

        var activations = forward is null ? null : ActivationAccounting.Of(forward, settings.DType);
        var compute = forward is null ? null : ComputeAccounting.Of(forward);
        if (forward is not null)
        {
            foreach (var warning in forward.Warnings.Distinct())
            {
                diagnostics.Add(new DiagnosticInfo(warning.Id, warning.Location ?? attributeLocation,
                    new[] { warning.Message, modelName }.ToEquatableArray()));
            }
            foreach (var mismatch in forward.Mismatches)
            {
                diagnostics.Add(mismatch.OnProfileInput
                    ? new DiagnosticInfo(DiagnosticDescriptors.ProfileInputMismatch.Id, attributeLocation,
                        new[] { ProfileInputText(settings), modelName, WhereItFails(mismatch, namedModules) }.ToEquatableArray())
                    : new DiagnosticInfo(DiagnosticDescriptors.ShapeMismatch.Id, mismatch.Location ?? attributeLocation,
                        new[] { mismatch.Message, modelName }.ToEquatableArray()));
                notes.Add(mismatch.OnProfileInput ? $"Shape error: the profile's input does not fit {WhereItFails(mismatch, namedModules)}."
                    : $"Shape error: {mismatch.Message}.");
            }
            // A call that only eval mode's layouts reject (a view of what a training-mode dropout made contiguous).
            if (forward.Mismatches.Count == 0 && inference?.Mismatches.FirstOrDefault() is { } evalOnly)
            {
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.EvalModeShapeMismatch.Id, evalOnly.Location ?? attributeLocation,
                    new[] { evalOnly.Message, modelName }.ToEquatableArray()));
            }
            // Where construction was already incomplete, forward cannot be followed for the same reason: report it once.
            if (reachable.All(m => m.Unknowns.Count == 0))
            {
                foreach (var unknown in forward.Unknowns.Where(u => !forward.Mismatches.Any(m => m.Message == u.Reason))) ReportUnknown(unknown);
                // Followed to the end, yet some tensor it keeps has no byte count: say which, or the report is silently incomplete.
                if (activations?.Uncountable is { } why) ReportUnknown(new UnknownValue(why, attributeLocation));
            }
        }

        var layers = namedModules.Select(m => new LayerSpec(
            m.Key,
            m.Value.Kind,
            OwnCount(m.Value, m.Value.Parameters, trainableOnly: false),
            OwnCount(m.Value, m.Value.Parameters, trainableOnly: true),
            OwnCount(m.Value, m.Value.Buffers, trainableOnly: false),
            forward is not null && forward.OutputShapes.TryGetValue(m.Value, out var shape) ? shape : null,
            activations?.PerModule(m.Value))
        {
            MultiplyAccumulatesPerSample = compute?.PerModule(m.Value),
            InputShape = forward is not null && forward.InputShapes.TryGetValue(m.Value, out var input) ? input.Shape : null,
            InputElementType = forward is not null && forward.InputShapes.TryGetValue(m.Value, out var typed) ? typed.ElementType : null,
            Kernel = Layers.LayerKernel.Text(m.Value.FactoryArguments),
            Subtree = m.Value.Children.Count == 0 ? null : SubtreeTotals(m.Value, activations, compute),
            // The model's own forward is the first call: rows count from the first module it calls.
            FirstCall = forward is not null && forward.FirstCalls.TryGetValue(m.Value, out var call)
                ? call - (forward.FirstCalls.ContainsKey(model) ? 1 : 0) : null,
        }).ToEquatableArray();

        var complete = reachable.All(m => m.Unknowns.Count == 0);
        var parameters = Registration.NamedParameters(model).Select(p => p.Value).ToList();
        var buffers = Registration.NamedBuffers(model).Select(b => b.Value).ToList();
        long? total = complete ? Sum(parameters) : null;
        long? trainable = complete ? Sum(parameters.Where(p => p.RequiresGrad)) : null;
        long? bufferElements = complete ? Sum(buffers) : null;
        if (complete && (total is null || trainable is null || bufferElements is null))
        {
            ReportUnknown(new UnknownValue("the total overflows a 64-bit integer or a tensor size is unknown", attributeLocation));
        }
        if (complete && parameters.Count < namedModules.Sum(m => m.Value.Parameters.Count))
        {
            notes.Add("Some parameters are registered under several names; TorchSharp counts each tensor once, and so does this report.");
        }
        var unregistered = complete ? UnregisteredTensors.Of(model, parameters.Concat(buffers)) : UnregisteredTensors.None;
        var unregisteredKnown = ReportUnregisteredTensors(unregistered, settings, modelName, diagnostics, notes, ReportUnknown);
        var memory = complete && unregisteredKnown && total is not null && trainable is not null
            ? MemoryRows.Of(settings, parameters, buffers, unregistered, activations, forward,
                forward is not null && forward.OutputShapes.TryGetValue(model, out var output) ? output : null, inference)
            : null;
        if (memory is { GradientBytes: > 0 } && !GradientRecipients.Followed(forward))
        {
            notes.Add("Gradients assume every trainable parameter gets one: forward was not followed to the end, "
                + "and a layer it never reaches would get no .grad in TorchSharp.");
        }
        if (complete && total is not null && trainable is not null && memory is null && MemoryRows.TargetPerSample(settings, forward) is null)
        {
            notes.Add("The memory table is unknown: the declared loss's target takes forward's output shape, which is not known.");
        }
        else if (complete && total is not null && trainable is not null && memory is null)
        {
            // MemoryRows gives up on a byte count past long.MaxValue (an input of long.MaxValue elements): say so.
            ReportUnknown(new UnknownValue("a byte count of the memory table overflows a 64-bit integer", attributeLocation));
        }
        if (memory is { PeakLines: null, Activations: not null })
        {
            var passes = forward is null ? new List<ForwardTrace>()
                : new[] { forward }.Concat(forward.BatchOnePass is { } one ? new[] { one } : System.Array.Empty<ForwardTrace>())
                    .Concat(forward.LargerBatchPasses).ToList();
            var reason = passes.Select(BackwardSimulation.UnmodeledBackward).FirstOrDefault(n => n is not null) is { } unmodeled
                ? new UnknownReason(UnknownCode.PeakNotModeled, unmodeled)
                : forward is not null && forward.KernelsChangeAt.Count > forward.LargerBatchPasses.Count
                ? new UnknownReason(UnknownCode.TooManyKernelRegimes,
                    $"Peak is unknown: layers change kernels at more than {InterpreterLimits.MaxBatchRegimes} batch sizes "
                    + $"({string.Join(", ", forward.KernelsChangeAt)}), more than the analysis follows.")
                : LossMisfit(forward) is { } misfit
                ? new UnknownReason(UnknownCode.LossDoesNotFitOutput, $"Peak is unknown: {misfit.Problem}, and forward returns {misfit.Output}.")
                : new UnknownReason(UnknownCode.PeakNotModeled, "Peak is unknown: the training step's loss could not be followed.");
            if (reason.Code == UnknownCode.LossDoesNotFitOutput)
            {
                var (returned, problem, hint) = LossMisfit(forward)!.Value;
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.LossDoesNotFitOutput.Id, attributeLocation,
                    new[] { modelName, returned, problem, hint }.ToEquatableArray()));
            }
            notes.Add(reason.Message);
            peakUnknown ??= reason;
        }
        if (memory is { PeakLines: not null } && forward is not null)
        {
            notes.AddRange(forward.PeakNotes);
            notes.AddRange(forward.LargerBatchPasses.SelectMany(p => p.PeakNotes).Where(n => !forward.PeakNotes.Contains(n)).Distinct());
        }
        if (memory is { PeakLines: not null, PeakAtBatchOne: not null } or { ActivationsAtBatchOne: not null })
        {
            notes.AddRange(forward!.BatchOneNotes);
        }
        if (memory?.Inference is { } inferenceRows && inference is not null)
            notes.AddRange(InferenceNotes(inferenceRows, inference, memory.Activations is not null, notes).ToList());
        if (activations is not null)
        {
            foreach (var paged in namedModules.Where(m => activations.ModulesWithPagedBuffers.Contains(m.Value)).Select(m => m.Key))
            {
                notes.Add($"Layer '{paged}' keeps a native work buffer sized in whole 4,096-byte pages, "
                    + $"so its activations have no per-sample figure; the per-batch table counts them exactly.");
            }
        }
        var sites = namedModules.Where(m => m.Value.UserType is null).Select(m => m.Value).Distinct()
            .Select(module => (module, count: OwnCount(module, module.Parameters, trainableOnly: false)))
            .Where(m => m.count is > 0)
            .Select(m => new LayerSite(namedModules.First(n => n.Value == m.module).Key, m.module.Kind, m.count!.Value, m.module.CreatedAt))
            .ToEquatableArray();
        if (compute?.Unknown is { } noCount) notes.Add($"Multiply-accumulates are unknown: {noCount}.");
        if ((inference ?? forward) is { } generation) notes.AddRange(CacheNotes.For(generation, namedModules));
        return new ModelSpec(target, settings, layers, total, trainable, bufferElements, memory, notes.ToEquatableArray(),
            diagnostics.ToEquatableArray())
        {
            MultiplyAccumulatesPerSample = compute?.Total,
            LayerSites = sites,
            PeakUnknown = memory?.PeakLines is null ? peakUnknown : null,
            PeaksFollowKernels = FollowsKernels(forward) || FollowsKernels(inference),
        };
    }

    /// <summary>Whether a pass, or the passes it made for other batches, counted work that depends on the kernel profile.</summary>
    private static bool FollowsKernels(ForwardTrace? pass) =>
        pass is not null && (pass.PeakFollowsKernels || FollowsKernels(pass.BatchOnePass) || pass.LargerBatchPasses.Any(FollowsKernels));

    /// <summary>What the Notes say about the inference table where it is unknown (or what its known peak assumes).</summary>
    private static IEnumerable<string> InferenceNotes(InferenceMemory rows, ForwardTrace pass, bool trainingActivationsKnown, List<string> notes)
    {
        if (rows.Activations is null)
        {
            // Where the training pass is unknown too, its Notes already say why; otherwise say what stopped the inference pass.
            if (trainingActivationsKnown)
                yield return "Inference table unknown: "
                    + (pass.Unknowns.FirstOrDefault()?.Reason ?? pass.Mismatches.Select(m => m.Message).FirstOrDefault()
                        ?? "a tensor forward keeps has no byte count") + ".";
            yield break;
        }
        if (rows.PeakUnknownBecause is { } why)
        {
            yield return "Inference " + char.ToLowerInvariant(why[0]) + why.Substring(1);
            yield break;
        }
        foreach (var note in pass.PeakNotes.Where(n => !notes.Contains(n))) yield return note;
    }

    private static string ProfileInputText(ProfileSettings settings) =>
        "[" + string.Join(", ", settings.InputShape) + "] " + settings.InputDType;

    /// <summary>"conv1 (Conv2d) at line 12: expects 1 input channels …", the layer's name where it is a registered one.</summary>
    private static string WhereItFails(ShapeMismatch mismatch, IEnumerable<KeyValuePair<string, ModuleInstance>> namedModules)
    {
        var name = namedModules.FirstOrDefault(m => ReferenceEquals(m.Value, mismatch.Module)).Key;
        var kind = mismatch.Module?.Kind;
        var detail = kind is not null && mismatch.Message.StartsWith(kind + ": ", System.StringComparison.Ordinal)
            ? mismatch.Message.Substring(kind.Length + 2) : mismatch.Message;
        var what = name is not null ? $"{name} ({kind})" : kind ?? "the first call on it";
        var line = mismatch.Location is { } at ? $" at line {at.LineSpan.Start.Line + 1}" : "";
        return $"{what}{line}: {detail}";
    }

    private static long? OwnCount(ModuleInstance module, IEnumerable<KeyValuePair<string, TensorSlot>> tensors, bool trainableOnly) =>
        module.Unknowns.Count > 0 ? null : Sum(tensors.Select(t => t.Value).Where(t => !trainableOnly || t.RequiresGrad));

    private static long? Sum(IEnumerable<TensorSlot> tensors) => TensorSlot.TotalElements(tensors);

    /// <summary>
    /// A container's totals over its whole subtree, each module and each parameter once (a module shared under two names,
    /// a tied weight), as TorchSharp's <c>parameters()</c> of that module counts them.
    /// </summary>
    private static SubtreeTotals SubtreeTotals(ModuleInstance module, ActivationAccounting? activations, ComputeAccounting? compute)
    {
        var modules = new HashSet<ModuleInstance>();
        var pending = new Stack<ModuleInstance>();
        pending.Push(module);
        while (pending.Count > 0)
        {
            var next = pending.Pop();
            if (!modules.Add(next)) continue;
            foreach (var child in next.Children) pending.Push(child.Value);
        }
        long? Total(System.Func<ModuleInstance, long?> own)
        {
            long total = 0;
            foreach (var each in modules)
            {
                if (own(each) is not { } value) return null;
                total = checked(total + value);
            }
            return total;
        }
        var parameters = modules.All(m => m.Unknowns.Count == 0) ? Registration.NamedParameters(module).Select(p => p.Value).ToList() : null;
        try
        {
            return new SubtreeTotals(parameters is null ? null : Sum(parameters),
                parameters is null ? null : Sum(parameters.Where(p => p.RequiresGrad)),
                activations is null ? null : Total(activations.PerModule), compute is null ? null : Total(compute.PerModule));
        }
        catch (System.OverflowException)
        {
            return new SubtreeTotals(null, null, null, null);
        }
    }

    /// <summary>A user module that never ran RegisterComponents leaves its layers out of the model: say so.</summary>
    /// <summary>
    /// TBG013 per field that hides layers from registration, and the Notes on the Unregistered row; false where the row
    /// cannot be known (a size unknown, or a model converted to another dtype, which leaves those tensors in theirs).
    /// </summary>
    private static bool ReportUnregisteredTensors(UnregisteredTensors unregistered, ProfileSettings settings, string modelName,
        List<DiagnosticInfo> diagnostics, List<string> notes, System.Action<UnknownValue> reportUnknown)
    {
        if (!unregistered.Any) return true;
        foreach (var site in unregistered.Sites.Where(s => !s.OwnerNeverRegisters))
        {
            var location = site.Field.Locations.FirstOrDefault(l => l.IsInSource);
            var field = location is null ? null : LocationInfo.From(location);
            diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.TensorsOutsideRegistration.Id, field,
                new[] { modelName, site.Path, site.Elements()?.ToString("N0", CultureInfo.InvariantCulture) ?? "an unknown number of" }
                    .ToEquatableArray()));
        }
        var at = unregistered.Sites[0].Field.Locations.FirstOrDefault(l => l.IsInSource) is { } first ? LocationInfo.From(first) : null;
        if (unregistered.WeightBytes() is not { } weights)
        {
            reportUnknown(new UnknownValue($"the size of a tensor kept in {unregistered.FieldList}, which registration leaves out", at));
            return false;
        }
        if (settings.DType != ScalarType.Float32 && unregistered.Tensors.Any(t => (t.ElementType ?? ScalarType.Float32).IsFloating()))
        {
            reportUnknown(new UnknownValue($"model.to({settings.DType}) leaves the tensors kept in {unregistered.FieldList} in their own "
                + "dtype (registration leaves them out), so forward mixes dtypes", at));
            return false;
        }
        notes.Add($"Unregistered: TorchSharp does not register the tensors kept in {unregistered.FieldList} ({weights:N0} B): not in "
            + "parameters(), never trained by the optimizer nor cleared by zero_grad(). The Unregistered row and the Peak count them "
            + "and the gradients backward gives them, which stay between steps.");
        return true;
    }

    private static void ReportUnregisteredFields(ModuleInstance module, List<DiagnosticInfo> diagnostics, List<string> notes)
    {
        if (module.UserType is null || module.ComponentsRegistered) return;
        var componentFields = Registration.FieldsInReflectionOrder(module.UserType)
            .Where(f => module.Fields.TryGetValue(f, out var value) && value is ModuleValue or TensorValue)
            .Select(f => f.Name)
            .ToList();
        if (componentFields.Count == 0) return;
        var fields = string.Join(", ", componentFields);
        var location = module.UserType.Locations.FirstOrDefault(l => l.IsInSource);
        var info = new DiagnosticInfo(DiagnosticDescriptors.ComponentsNotRegistered.Id, location is null ? null : LocationInfo.From(location),
            new[] { module.Kind, fields }.ToEquatableArray());
        if (diagnostics.Contains(info)) return;
        diagnostics.Add(info);
        notes.Add($"'{module.Kind}' never calls RegisterComponents(), so TorchSharp registers none of its fields ({fields}); "
            + $"parameters() leaves them out, as this report's parameter count does; their bytes are in the Unregistered row.");
    }

    /// <summary>
    /// Where forward's output is known and the step's loss cannot take it: what it returns, what the loss needs, and which
    /// Loss would take it (TBG012's arguments).
    /// </summary>
    private static (string Output, string Problem, string Hint)? LossMisfit(ForwardTrace? forward)
    {
        if (forward?.Output is not { } output) return null;
        if (forward.Loss.Misfit(output.Shape) is not { } problem) return null;
        var fitting = Losses.LossRules.All.Where(r => r.Misfit(output.Shape) is null).Select(r => r.Kind).ToList();
        var choices = new List<string>();
        if (fitting.Contains(Losses.LossKind.SequenceCrossEntropy)) choices.Add("LossKind.SequenceCrossEntropy for classes last");
        if (fitting.Contains(Losses.LossKind.CrossEntropy)) choices.Add("LossKind.CrossEntropy for classes in dimension 1");
        if (fitting.Contains(Losses.LossKind.Mse)) choices.Add("LossKind.Mse, L1 or BceWithLogits for a target of its shape");
        var hint = choices.Count == 0
            ? "no loss of the training step takes it: return the batch first, with sizes that do not depend on it"
            : $"set Loss on [MemoryProfile] to the loss it is trained with ({string.Join("; ", choices)})";
        return (output.Shape.ToString(), problem, hint);
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchBudget.Harness;

/// <summary>
/// Checks every layer's output shape. Layers that run through <c>call()</c> (and every child of a Sequential) are seen
/// by forward hooks during the step. TorchSharp hooks nothing a custom forward runs with <c>forward()</c>: each such
/// layer is then called on its own, under no_grad and in eval mode, on zeros of the input shape and type the report
/// predicts for it, and its output compared.
/// </summary>
internal sealed class LayerShapeObserver
{
    private const string HookMethod = "forward hook";
    private const string AloneMethod = "called on its own on its predicted input (it ran through forward(), which TorchSharp does not hook)";

    private readonly nn.Module model;
    private readonly MemoryReport report;
    private readonly long batchSize;
    private readonly Dictionary<string, IReadOnlyList<long[]>> hooked = new();
    private readonly Dictionary<string, LayerShapeCheck> alone = new();
    private readonly List<Action> removers = new();

    public LayerShapeObserver(nn.Module model, MemoryReport report, long batchSize)
    {
        this.model = model;
        this.report = report;
        this.batchSize = batchSize;
    }

    public void Attach()
    {
        var names = new HashSet<string>(report.Layers.Select(l => l.Name));
        foreach (var (name, module) in model.named_modules())
        {
            if (!names.Contains(name)) continue;
            var remove = LayerCalls.Hook(module, output =>
            {
                if (!hooked.ContainsKey(name)) hooked[name] = LayerCalls.Shapes(output);
            });
            if (remove is not null) removers.Add(remove);
        }
    }

    public void Detach()
    {
        foreach (var remove in removers) remove();
        removers.Clear();
    }

    /// <summary>After the step (hooks detached): calls each layer no hook saw on its own, on <paramref name="device"/>.</summary>
    /// <returns>How many layers were called on their own.</returns>
    public int CallUnhookedLayers(Device device)
    {
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
        var modes = model.modules().Select(m => (Module: m, m.training)).ToList();
        try
        {
            foreach (var layer in report.Layers.Where(l => !hooked.ContainsKey(l.Name) && l.OutputShape is not null))
            {
                alone[layer.Name] = CallAlone(layer, modules.TryGetValue(layer.Name, out var module) ? module : null, device);
            }
        }
        finally
        {
            // Parents first: train(bool) sets the children too.
            foreach (var (module, training) in modes) module.train(training);
        }
        return alone.Count;
    }

    public IReadOnlyList<LayerShapeCheck> Results() => report.Layers.Select(Check).ToList();

    private LayerShapeCheck Check(LayerReport layer)
    {
        var predicted = layer.OutputShape?.TensorsAt(batchSize);
        if (predicted is null || predicted.Count == 0)
            return new LayerShapeCheck(layer.Name, layer.OutputShape?.ToString(), null, VerificationOutcome.NotPredicted,
                "the report has no shape for this layer");
        if (hooked.TryGetValue(layer.Name, out var seen))
            return new LayerShapeCheck(layer.Name, Describe(predicted), Describe(seen),
                Same(predicted, seen) ? VerificationOutcome.Passed : VerificationOutcome.Failed, HookMethod);
        return alone.TryGetValue(layer.Name, out var check)
            ? check
            : new LayerShapeCheck(layer.Name, Describe(predicted), null, VerificationOutcome.NotMeasured,
                "not observed: no hook fired and it was not called on its own");
    }

    private LayerShapeCheck CallAlone(LayerReport layer, nn.Module? module, Device device)
    {
        var predicted = layer.OutputShape?.TensorsAt(batchSize);
        var predictedText = predicted is null ? null : Describe(predicted);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        if (predicted is not { Count: > 0 } || module is null
            || LayerCalls.Arguments(layer.InputShape?.ToString(), layer.InputElementType, batchSize, device) is not { } arguments)
        {
            return new LayerShapeCheck(layer.Name, predictedText, null, VerificationOutcome.NotMeasured,
                "not observed: it ran through forward(), which TorchSharp does not hook, and the report has no arguments to call it with on its own");
        }
        var on = $"{AloneMethod}: on {LayerCalls.Describe(arguments)}";
        try
        {
            module.eval();
            var observed = LayerCalls.Shapes(LayerCalls.Call(module, arguments));
            return new LayerShapeCheck(layer.Name, predictedText, Describe(observed),
                Same(predicted, observed) ? VerificationOutcome.Passed : VerificationOutcome.Failed, on);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new LayerShapeCheck(layer.Name, predictedText, null, VerificationOutcome.Failed,
                $"{on} it throws {e.GetType().Name}: {e.Message.Split('\n')[0].Trim()}");
        }
    }

    private static bool Same(IReadOnlyList<long[]> predicted, IReadOnlyList<long[]> observed) =>
        predicted.Count == observed.Count && predicted.Zip(observed, (p, o) => p.SequenceEqual(o)).All(same => same);

    private static string Describe(IReadOnlyList<long[]> shapes) =>
        shapes.Count == 1 ? ShapeText.Format(shapes[0]) : "(" + string.Join(", ", shapes.Select(ShapeText.Format)) + ")";
}

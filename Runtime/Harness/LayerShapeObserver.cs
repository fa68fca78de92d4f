using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchBudget.Harness;

/// <summary>
/// Observes every layer's output shape during one forward. Layers that run through <c>call()</c> (and every
/// child of a Sequential) are seen by forward hooks, exactly. Hooks never fire for a child a custom forward
/// runs with <c>forward()</c>; such a layer passes when forward created a tensor of each predicted shape
/// (every tensor a custom forward creates stays in the DisposeScope until it ends).
/// </summary>
internal sealed class LayerShapeObserver
{
    private const string HookMethod = "forward hook";
    private const string MatchMethod = "matched among forward's tensors (it ran through forward(), which TorchSharp does not hook)";

    private readonly nn.Module<Tensor, Tensor> model;
    private readonly MemoryReport report;
    private readonly long batchSize;
    private readonly Dictionary<string, long[]> hooked = new();
    private readonly List<Action> removers = new();
    private List<long[]> scopeShapes = new();

    public LayerShapeObserver(nn.Module<Tensor, Tensor> model, MemoryReport report, long batchSize)
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
            if (!names.Contains(name) || module is not nn.Module<Tensor, Tensor> layer) continue;
            var remover = layer.register_forward_hook((_, _, output) =>
            {
                if (!hooked.ContainsKey(name)) hooked[name] = output.shape;
                return output;
            });
            removers.Add(remover.remove);
        }
    }

    public void Detach()
    {
        foreach (var remove in removers) remove();
        removers.Clear();
    }

    /// <summary>Takes the shapes of every tensor alive in the step's scope right after forward.</summary>
    public void ObserveScope(DisposeScope scope) =>
        scopeShapes = scope.DisposablesView.OfType<Tensor>().Where(t => !t.IsInvalid).Select(t => t.shape).ToList();

    public IReadOnlyList<LayerShapeCheck> Results() => report.Layers.Select(Check).ToList();

    private LayerShapeCheck Check(LayerReport layer)
    {
        var predicted = ShapeText.At(layer.OutputShape, batchSize);
        var predictedText = predicted is null ? null : Describe(predicted);
        if (predicted is null || predicted.Count == 0)
            return new LayerShapeCheck(layer.Name, layer.OutputShape, null, VerificationOutcome.NotPredicted, "the report has no shape for this layer");
        if (hooked.TryGetValue(layer.Name, out var seen))
        {
            var observed = ShapeText.Format(seen);
            var same = predicted.Count == 1 && predicted[0].SequenceEqual(seen);
            return new LayerShapeCheck(layer.Name, predictedText, observed, same ? VerificationOutcome.Passed : VerificationOutcome.Failed, HookMethod);
        }
        var missing = predicted.Where(shape => !scopeShapes.Any(s => s.SequenceEqual(shape))).ToList();
        return missing.Count == 0
            ? new LayerShapeCheck(layer.Name, predictedText, predictedText, VerificationOutcome.Passed, MatchMethod)
            : new LayerShapeCheck(layer.Name, predictedText, null, VerificationOutcome.Failed,
                $"no tensor of shape {Describe(missing)} was created in forward ({MatchMethod})");
    }

    private static string Describe(IReadOnlyList<long[]> shapes) =>
        shapes.Count == 1 ? ShapeText.Format(shapes[0]) : "(" + string.Join(", ", shapes.Select(ShapeText.Format)) + ")";
}

using System;
using System.Collections.Generic;
using System.Linq;
using TorchBudget.Harness.Measuring;
using TorchBudget.Tests.Harness;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TorchBudget.Tests.Reporting;

/// <summary>
/// The per-layer table's activation and call-order columns against the real forward, module by module: forward hooks
/// around every module's call, and the CPU counter's live blocks, tell which blocks each call made and which of them are
/// still alive when forward returns. A leaf's row must be exactly the bytes its calls left alive; a container's own row
/// what it left besides its descendants, and its subtree total all of them (each module once).
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class LayerActivationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(typeof(HookedMlp), 3)]
    [InlineData(typeof(HookedConvNet), 5)]
    [InlineData(typeof(HookedShared), 4)]
    public void Each_row_is_what_its_calls_leave_alive_after_forward(Type type, long batch)
    {
        Assert.True(CpuTensorAllocations.IsSupported(out var why), why);
        var report = ReportFixtures.Of(type);
        using var model = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(type)!;
        var atOne = Measure(model, report, 1);
        var atBatch = Measure(model, report, batch);

        // A row is bytes per sample: what its calls leave grows by that per sample. What they keep whatever the batch
        // (BatchNorm's saved mean and inverse deviation) is in the model's Activations row, not in a layer's.
        var problems = new List<string>();
        foreach (var layer in report.Layers)
        {
            var (own, subtree, firstCall) = atBatch[layer.Name];
            var (ownAtOne, subtreeAtOne, _) = atOne[layer.Name];
            Check(problems, layer.Name + " own", layer.ActivationBytesPerSample, ownAtOne, own, batch);
            if (layer.SubtreeActivationBytesPerSample is not null || subtree != own)
                Check(problems, layer.Name + " subtree", layer.SubtreeActivationBytesPerSample, subtreeAtOne, subtree, batch);
            if (layer.FirstCall != firstCall) problems.Add($"{layer.Name} first call: report {layer.FirstCall}, hooks saw {firstCall}");
        }
        output.WriteLine(report.ToMarkdown(order: LayerOrder.Execution));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// One training-mode forward at <paramref name="batch"/>: by layer name, the bytes its own calls left alive, those its
    /// whole subtree left (each module once) and its place in the order of first calls (null: never called).
    /// </summary>
    private static Dictionary<string, (long Own, long Subtree, int? FirstCall)> Measure(nn.Module<Tensor, Tensor> model, MemoryReport report,
        long batch)
    {
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
        using var counting = CpuTensorAllocations.Begin();
        model.train();
        using var input = torch.randn(new[] { batch }.Concat(report.InputShape).ToArray());
        // A first step makes what stays allocated across steps (oneDNN's caches), as the harness's warm-up does.
        using (torch.NewDisposeScope()) model.call(input).sum().backward();

        var made = new Dictionary<nn.Module, HashSet<long>>(ReferenceEqualityComparer.Instance);
        var firstCalls = new List<nn.Module>();
        var open = new Stack<HashSet<long>>();
        var removers = new List<Action>();
        foreach (var module in modules.Values.Distinct(ReferenceEqualityComparer.Instance).Cast<nn.Module<Tensor, Tensor>>())
        {
            made[module] = new HashSet<long>();
            var pre = module.register_forward_pre_hook(m =>
            {
                if (!firstCalls.Contains(m, ReferenceEqualityComparer.Instance)) firstCalls.Add(m);
                open.Push(CpuTensorAllocations.LiveBlocksNow().Keys.ToHashSet());
            });
            var post = module.register_forward_hook(m =>
            {
                var before = open.Pop();
                made[m].UnionWith(CpuTensorAllocations.LiveBlocksNow().Keys.Where(block => !before.Contains(block)));
            });
            removers.Add(() => pre.remove());
            removers.Add(() => post.remove());
        }
        Dictionary<long, long> end;
        try
        {
            using (torch.NewDisposeScope())
            {
                model.call(input);
                end = CpuTensorAllocations.LiveBlocksNow();
            }
        }
        finally
        {
            foreach (var remove in removers) remove();
        }

        long Bytes(IEnumerable<long> blocks) => blocks.Distinct().Where(end.ContainsKey).Sum(b => end[b]);
        var result = new Dictionary<string, (long, long, int?)>();
        foreach (var (name, module) in modules)
        {
            var descendants = modules.Where(m => m.Key.StartsWith(name + ".", StringComparison.Ordinal)).Select(m => m.Value)
                .Where(m => !ReferenceEquals(m, module)).ToList();
            var own = Bytes(made[module].Except(descendants.SelectMany(d => made[d])));
            var subtree = Bytes(made[module].Concat(descendants.SelectMany(d => made[d])));
            var called = firstCalls.FindIndex(m => ReferenceEquals(m, module));
            result[name] = (own, subtree, called < 0 ? null : called);
        }
        return result;
    }

    /// <summary>The row's bytes per sample against the measured growth from batch 1 to <paramref name="batch"/>.</summary>
    private static void Check(List<string> problems, string what, long? perSample, long atOne, long atBatch, long batch)
    {
        var growth = (atBatch - atOne) / (double)(batch - 1);
        if (perSample is null) problems.Add($"{what}: unknown, measured {growth:N0} per sample ({atOne:N0} at batch 1)");
        else if (perSample != growth || atOne < perSample)
            problems.Add($"{what}: report {perSample:N0} per sample, measured {growth:N0} per sample " +
                $"({atOne:N0} at batch 1, {atBatch:N0} at {batch})");
    }
}

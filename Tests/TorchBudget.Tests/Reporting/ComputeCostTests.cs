using System;
using System.Collections.Generic;
using System.Linq;
using TorchBudget.Tests.Zoo;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TorchBudget.Tests.Reporting;

/// <summary>
/// The generated multiply-accumulates against the real TorchSharp modules: for every Linear and convolution of the zoo
/// that runs under a forward hook (children of a Sequential, or called through call()), the count from its real weight
/// shape and the real input/output the hook sees, at batch 2. Conventions: docs/compute-cost.md.
/// </summary>
public class ComputeCostTests(ITestOutputHelper output)
{
    private const long Batch = 2;

    [Fact]
    public void Every_hooked_linear_and_convolution_matches_its_real_weights_and_shapes()
    {
        var (checkedLayers, models) = (0, 0);
        foreach (var type in ZooModels.Types)
        {
            var report = (MemoryReport)type.GetProperty("MemoryReport")!.GetValue(null)!;
            if (report.MultiplyAccumulatesPerSample is null) continue;
            models++;
            using var scope = torch.NewDisposeScope();
            using var model = ZooModels.CreateFromAttribute(type);
            if (report.DType != ScalarType.Float32) model.to(report.DType);
            var seen = new Dictionary<string, long>();
            var removers = new List<Action>();
            foreach (var (name, module) in model.named_modules())
            {
                if (module is not nn.Module<Tensor, Tensor> layer || CountFromRealWeights(module) is not { } count) continue;
                removers.Add(layer.register_forward_hook((_, input, result) =>
                {
                    // A layer called twice (SharedLayerNet) does its products twice.
                    seen[name] = (seen.TryGetValue(name, out var earlier) ? earlier : 0) + count(input, result) / Batch;
                    return result;
                }).remove);
            }
            model.eval();
            using (torch.no_grad()) model.call(Input(report));
            foreach (var remove in removers) remove();

            foreach (var (name, real) in seen)
            {
                var layer = report.Layers.Single(l => l.Name == name);
                Assert.True(layer.MultiplyAccumulatesPerSample == real,
                    $"{type.Name}.{name} ({layer.Kind}): generated {layer.MultiplyAccumulatesPerSample}, real {real}");
                checkedLayers++;
            }
            // The total holds every layer's own products (a module registered under two names shows its count on each row).
            Assert.All(report.Layers,
                l => Assert.True(l.MultiplyAccumulatesPerSample <= report.MultiplyAccumulatesPerSample, $"{type.Name}.{l.Name}"));
        }
        output.WriteLine($"{checkedLayers} layers of {models} zoo models checked against their real weights and shapes");
        Assert.True(checkedLayers >= 20, $"only {checkedLayers} layers ran under a hook");
    }

    /// <summary>
    /// Recurrent layers: each time step multiplies every layer's and direction's input and state by its gate weights, so
    /// per sample T × the elements of all weight matrices of the real module (T read from the layer's output shape).
    /// </summary>
    [Fact]
    public void Recurrent_layers_count_their_real_weight_matrices_per_time_step()
    {
        var checkedLayers = 0;
        foreach (var type in ZooModels.Types)
        {
            var report = (MemoryReport)type.GetProperty("MemoryReport")!.GetValue(null)!;
            if (report.MultiplyAccumulatesPerSample is null) continue; // the Notes say why (forward not followed)
            using var model = ZooModels.CreateFromAttribute(type);
            foreach (var (name, module) in model.named_modules())
            {
                if (module.GetType().Name is not ("LSTM" or "GRU")) continue;
                var layer = report.Layers.Single(l => l.Name == name);
                const long probeBatch = 7;
                var shape = layer.OutputShape!.TensorsAt(probeBatch)[0]; // the output sequence; the states follow
                var steps = shape.Aggregate(1L, (a, d) => a * d) / probeBatch / shape[^1];
                var weights = module.named_parameters(recurse: false)
                    .Where(p => p.name.StartsWith("weight_", StringComparison.Ordinal))
                    .Sum(p => p.parameter.numel());
                Assert.True(steps * weights == layer.MultiplyAccumulatesPerSample,
                    $"{type.Name}.{name}: generated {layer.MultiplyAccumulatesPerSample}, real {steps} steps × {weights}");
                checkedLayers++;
            }
        }
        Assert.True(checkedLayers >= 2, $"only {checkedLayers} recurrent layers in the zoo have a count");
    }

    /// <summary>
    /// Attention: every token is multiplied by its projection weights (read from the real module), and each head's
    /// scores and context take target × source × head-dim products each: 2·T·S·E per sample in all.
    /// </summary>
    [Fact]
    public void Attention_counts_its_real_projections_and_two_products_per_query_and_key()
    {
        var cross = Report("CrossAttention");
        using (var model = ZooModels.CreateFromAttribute(ZooModels.Find("CrossAttention")))
        {
            var attention = model.named_modules().Single(m => m.name == "attention").module;
            long Numel(string name) => attention.named_parameters().Single(p => p.name == name).parameter.numel();
            var queries = model.named_parameters().Single(p => p.name == "latents").parameter.shape[0];
            var keys = cross.InputShape[0];
            var embed = Numel("out_proj.weight") is var e ? (long)Math.Sqrt(e) : 0;
            var expected = queries * (Numel("q_proj_weight") + Numel("out_proj.weight")) + keys * (Numel("k_proj_weight") + Numel("v_proj_weight"))
                + 2 * queries * keys * embed;
            Assert.Equal(expected, cross.Layers.Single(l => l.Name == "attention").MultiplyAccumulatesPerSample);
        }

        var transformer = Report("TransformerEncoderClassifier");
        using (var model = ZooModels.CreateFromAttribute(ZooModels.Find("TransformerEncoderClassifier")))
        {
            var tokens = transformer.InputShape[0];
            var encoder = model.named_modules().Single(m => m.name == "encoder").module;
            var matrices = encoder.named_parameters().Where(p => p.parameter.dim() == 2).ToList();
            var layers = matrices.Count(p => p.name.EndsWith("in_proj_weight", StringComparison.Ordinal));
            var embed = matrices.First(p => p.name.EndsWith("in_proj_weight", StringComparison.Ordinal)).parameter.shape[1];
            var expected = tokens * matrices.Sum(p => p.parameter.numel()) + layers * 2 * tokens * tokens * embed;
            Assert.Equal(expected, transformer.Layers
                .Where(l => l.Name == "encoder" || l.Name.StartsWith("encoder.", StringComparison.Ordinal))
                .Sum(l => l.MultiplyAccumulatesPerSample));
        }
    }

    private static MemoryReport Report(string model) => (MemoryReport)ZooModels.Find(model).GetProperty("MemoryReport")!.GetValue(null)!;

    /// <summary>
    /// Per the convention: each output element sums (in/groups)·kernel products; a transposed convolution spreads each input element over
    /// (out/groups)·kernel.
    /// </summary>
    private static Func<Tensor, Tensor, long>? CountFromRealWeights(nn.Module module)
    {
        var weight = module.named_parameters(recurse: false).FirstOrDefault(p => p.name == "weight").parameter;
        if (weight is null) return null;
        var window = weight.shape.Skip(2).Aggregate(1L, (a, k) => a * k);
        return module.GetType().Name switch
        {
            "Linear" => (_, result) => result.numel() * weight.shape[1],
            "Conv1d" or "Conv2d" or "Conv3d" => (_, result) => result.numel() * weight.shape[1] * window,
            "ConvTranspose1d" or "ConvTranspose2d" or "ConvTranspose3d" => (input, _) => input.numel() * weight.shape[1] * window,
            _ => null,
        };
    }

    private static Tensor Input(MemoryReport report)
    {
        var shape = new[] { Batch }.Concat(report.InputShape).ToArray();
        return report.InputDType is ScalarType.Int64 or ScalarType.Int32
            ? torch.zeros(shape, dtype: report.InputDType)
            : torch.randn(shape, dtype: report.InputDType);
    }
}

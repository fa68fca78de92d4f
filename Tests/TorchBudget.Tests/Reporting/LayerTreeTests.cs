using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using TorchBudget.Tests.Zoo;
using TorchSharp;
using Xunit;

namespace TorchBudget.Tests.Reporting;

/// <summary>
/// The torchinfo-like layer table: containers' subtree parameters and kernel sizes against the real TorchSharp modules
/// of every zoo model, and the table's orders and depth. Activations and call order are measured in
/// <see cref="LayerActivationTests"/>.
/// </summary>
public sealed class LayerTreeTests
{

    [Theory]
    [MemberData(nameof(ZooTheory.Models), MemberType = typeof(ZooTheory))]
    public void Container_rows_count_their_subtrees_parameters_as_TorchSharp_does(Type type)
    {
        var report = ReportFixtures.Of(type);
        using var model = ZooModels.Create(type);
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
        var checkedContainers = 0;
        foreach (var layer in report.Layers)
        {
            var module = modules[layer.Name];
            var real = module.parameters().Sum(p => p.numel());
            var realTrainable = module.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
            var hasChildren = module.named_children().Any();
            if (!hasChildren)
            {
                Assert.Null(layer.SubtreeParameterCount);
                continue;
            }
            Assert.True(layer.SubtreeParameterCount == real, $"{type.Name}.{layer.Name}: subtree {layer.SubtreeParameterCount}, parameters() {real}");
            Assert.True(layer.SubtreeTrainableParameterCount == realTrainable,
                $"{type.Name}.{layer.Name}: subtree trainable {layer.SubtreeTrainableParameterCount}, requires_grad {realTrainable}");
            checkedContainers++;
        }
        // What the table shows: a container's row is its subtree's.
        foreach (var row in LayerTable.Rows(report.Layers, null, LayerOrder.NamedModules))
            Assert.Equal(row.HasChildren ? row.Layer.SubtreeParameterCount : row.Layer.ParameterCount, row.Parameters);
        if (report.Layers.Count(l => l.Name.Contains('.', StringComparison.Ordinal)) > 0) Assert.True(checkedContainers > 0, type.Name);
    }

    [Theory]
    [MemberData(nameof(ZooTheory.Models), MemberType = typeof(ZooTheory))]
    public void Kernels_are_the_modules_kernel_sizes(Type type)
    {
        var report = ReportFixtures.Of(type);
        using var model = ZooModels.Create(type);
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
        foreach (var layer in report.Layers)
        {
            var property = modules[layer.Name].GetType().GetProperty("kernel_size", BindingFlags.Public | BindingFlags.Instance);
            var real = property?.GetValue(modules[layer.Name]) switch
            {
                long[] sizes => string.Join("×", sizes),
                long size => size.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => null,
            };
            Assert.True(real == layer.Kernel, $"{type.Name}.{layer.Name} ({layer.Kind}): report {layer.Kernel ?? "none"}, module {real ?? "none"}");
        }
    }

    [Fact]
    public void A_depth_keeps_the_top_levels_and_their_totals()
    {
        var report = ReportFixtures.Of(typeof(TorchBudget.Samples.Models.ResNet18));
        var top = LayerTable.Rows(report.Layers, 1, LayerOrder.NamedModules);
        Assert.Equal(new[] { "conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "fc" },
            top.Select(r => r.Layer.Name));
        // The top level's rows add up to the model: its parameters are all in some child.
        Assert.Equal(report.ParameterCount, top.Sum(r => r.Parameters));
        Assert.All(LayerTable.Rows(report.Layers, 2, LayerOrder.Tree), r => Assert.InRange(r.Depth, 1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => report.ToMarkdown(depth: 0));
    }

    [Fact]
    public void The_tree_orders_put_each_module_before_its_subtree_with_guides()
    {
        var report = ReportFixtures.Of(typeof(TorchBudget.Samples.Models.ResNet18));
        var tree = LayerTable.Rows(report.Layers, null, LayerOrder.Tree);
        Assert.Equal(report.Layers.Select(l => l.Name).Order(), tree.Select(r => r.Layer.Name).Order());
        var names = tree.Select(r => r.Layer.Name).ToList();
        foreach (var (row, index) in tree.Select((r, i) => (r, i)))
        {
            var parent = row.Layer.Name.Contains('.') ? row.Layer.Name[..row.Layer.Name.LastIndexOf('.')] : null;
            if (parent is not null) Assert.True(names.IndexOf(parent) < index, $"{row.Layer.Name} before its parent");
        }
        Assert.Equal("├─ layer1", tree.Single(r => r.Layer.Name == "layer1").Label);
        Assert.Equal("│  ├─ 0", tree.Single(r => r.Layer.Name == "layer1.0").Label);
        Assert.Equal("│  │  └─ bn2", tree.Single(r => r.Layer.Name == "layer1.0.bn2").Label);
        Assert.Equal("└─ fc", tree[^1].Label);
    }

    [Fact]
    public void Execution_order_follows_the_first_calls_and_puts_uncalled_modules_last()
    {
        var layers = new[]
        {
            Layer("a", 2), Layer("b", null), Layer("c", 0), Layer("c.x", 1), Layer("c.y", null),
        };
        var rows = LayerTable.Rows(layers, null, LayerOrder.Execution);
        Assert.Equal(new[] { "c", "c.x", "c.y", "a", "b" }, rows.Select(r => r.Layer.Name));
        Assert.Equal(new[] { "├─ c", "│  ├─ x", "│  └─ y", "├─ a", "└─ b" }, rows.Select(r => r.Label));
        Assert.Equal(new[] { "a", "b", "c", "c.x", "c.y" },
            LayerTable.Rows(layers, null, LayerOrder.NamedModules).Select(r => r.Label));
    }

    private static LayerReport Layer(string name, int? firstCall) =>
        new(name, "Linear", 10, 10, 0, null, 4) { FirstCall = firstCall };
}

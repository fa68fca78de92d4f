using System;
using System.Collections.Generic;
using System.Linq;

namespace TorchBudget;

/// <summary>
/// The per-layer table's rows as the reports show them: in an order, to a depth, a container with its subtree's totals,
/// and in tree orders the guides (├─, └─, │) before each module's own name.
/// </summary>
internal static class LayerTable
{
    /// <summary>One row: the layer, its depth (1 for the model's children), its label and whether it has children.</summary>
    internal sealed record Row(LayerReport Layer, int Depth, string Label, bool HasChildren)
    {
        /// <summary>Its subtree's parameters for a container, its own for a leaf; null when unknown.</summary>
        public long? Parameters => HasChildren ? Layer.SubtreeParameterCount : Layer.ParameterCount;

        public long? TrainableParameters => HasChildren ? Layer.SubtreeTrainableParameterCount : Layer.TrainableParameterCount;

        public long? ActivationBytesPerSample => HasChildren ? Layer.SubtreeActivationBytesPerSample : Layer.ActivationBytesPerSample;

        public long? MultiplyAccumulatesPerSample => HasChildren ? Layer.SubtreeMultiplyAccumulatesPerSample : Layer.MultiplyAccumulatesPerSample;
    }

    public static IReadOnlyList<Row> Rows(IReadOnlyList<LayerReport> layers, int? depth, LayerOrder order)
    {
        if (depth is <= 0) throw new ArgumentOutOfRangeException(nameof(depth), depth, "The depth must be at least 1 (the model's children).");
        if (!Enum.IsDefined(order)) throw new ArgumentOutOfRangeException(nameof(order), order, "Not a layer order.");
        var names = new HashSet<string>(layers.Select(l => l.Name));
        var byParent = layers.ToLookup(l => Parent(l.Name, names));
        bool HasChildren(LayerReport layer) => byParent.Contains(layer.Name);
        if (order == LayerOrder.NamedModules)
        {
            return layers.Where(l => depth is null || Depth(l) <= depth)
                .Select(l => new Row(l, Depth(l), l.Name, HasChildren(l))).ToList();
        }

        var rows = new List<Row>();
        void Visit(string parent, string guides, int level)
        {
            var children = byParent[parent].ToList();
            if (order == LayerOrder.Execution)
                children = children.OrderBy(l => l.FirstCall ?? int.MaxValue).ToList(); // stable: uncalled keep registration order
            for (var i = 0; i < children.Count; i++)
            {
                var last = i == children.Count - 1;
                var child = children[i];
                rows.Add(new Row(child, level, guides + (last ? "└─ " : "├─ ") + LocalName(child.Name, names),
                    HasChildren(child)));
                if (depth is null || level < depth) Visit(child.Name, guides + (last ? "   " : "│  "), level + 1);
            }
        }
        Visit("", "", 1);
        return rows;
    }

    private static int Depth(LayerReport layer) => layer.Name.Count(c => c == '.') + 1;

    /// <summary>The nearest listed ancestor's name, or "" for the model: a row whose parent is not listed still gets a place.</summary>
    private static string Parent(string name, HashSet<string> names)
    {
        for (var dot = name.LastIndexOf('.'); dot >= 0; dot = name.LastIndexOf('.', dot - 1))
        {
            if (names.Contains(name[..dot])) return name[..dot];
            if (dot == 0) break;
        }
        return "";
    }

    /// <summary>The name below its listed parent: "bn2" under "layer1.0", the whole name at the top.</summary>
    private static string LocalName(string name, HashSet<string> names) =>
        Parent(name, names) is { Length: > 0 } parent ? name[(parent.Length + 1)..] : name;
}

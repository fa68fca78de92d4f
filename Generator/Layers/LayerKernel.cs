using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// A layer's kernel size as the report's Kernel column shows it ("5×5", "3×3×3"): any layer built with a
/// <c>kernel_size</c> (convolutions, transposed convolutions, pools). Read without pinning a parametric size: a display,
/// not a decision.
/// </summary>
internal static class LayerKernel
{
    public static string? Text(LayerArgs? args)
    {
        if (args is null || !args.Has("kernel_size")) return null;
        var sizes = args.Raw("kernel_size") switch
        {
            IntValue single when Rank(args.Factory) is { } rank => Enumerable.Repeat(single.Peek, rank).ToList(),
            TupleValue tuple => Sizes(tuple.Items),
            ListValue list => Sizes(list.Items),
            _ => null,
        };
        return sizes is null || sizes.Count == 0 ? null : string.Join("×", sizes);
    }

    // "Conv2d", "MaxPool3d", "ConvTranspose1d": the rank is the digit before the final 'd'.
    private static int? Rank(string factory) =>
        factory.Length >= 2 && factory[^1] == 'd' && char.IsDigit(factory[^2]) ? factory[^2] - '0' : null;

    private static List<long>? Sizes(IEnumerable<Value> items)
    {
        var sizes = new List<long>();
        foreach (var item in items)
        {
            if (item is not IntValue size) return null;
            sizes.Add(size.Peek);
        }
        return sizes;
    }
}

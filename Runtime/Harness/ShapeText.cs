using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace TorchBudget.Harness;

/// <summary>
/// Reads the report's shape text at one batch size: "[B, 6, 28, 28]", "[400B, 10]", "[B^2]", and tuples
/// such as "([B, 7, 20], [1, B, 20], null)" (a null item is an absent tensor).
/// </summary>
internal static class ShapeText
{
    /// <summary>The shapes the text names (one for a tensor, several for a tuple); null where the text is not a shape.</summary>
    public static IReadOnlyList<long[]>? At(string? text, long batchSize)
    {
        if (text is null) return null;
        var trimmed = text.Trim();
        var isTuple = trimmed.StartsWith("(", StringComparison.Ordinal) && trimmed.EndsWith(")", StringComparison.Ordinal);
        var body = isTuple ? trimmed.Substring(1, trimmed.Length - 2) : trimmed;
        var shapes = new List<long[]>();
        var rest = body;
        while (rest.Length > 0)
        {
            rest = rest.TrimStart(',', ' ');
            if (rest.StartsWith("null", StringComparison.Ordinal))
            {
                rest = rest.Substring(4);
                continue;
            }
            if (!rest.StartsWith("[", StringComparison.Ordinal)) return rest.Length == 0 ? shapes : null;
            var end = rest.IndexOf(']');
            if (end < 0) return null;
            var dims = new List<long>();
            foreach (var item in rest.Substring(1, end - 1).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Dim(item, batchSize) is not { } size) return null;
                dims.Add(size);
            }
            shapes.Add(dims.ToArray());
            rest = rest.Substring(end + 1);
        }
        return shapes;
    }

    public static string Format(IEnumerable<long> shape) =>
        "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    // "6", "B", "400B", "B^2", "4B^2": Coefficient × B^Power.
    private static long? Dim(string text, long batchSize)
    {
        var b = text.IndexOf('B');
        if (b < 0) return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var constant) ? constant : null;
        long coefficient = 1;
        if (b > 0 && !long.TryParse(text.Substring(0, b), NumberStyles.None, CultureInfo.InvariantCulture, out coefficient)) return null;
        var power = 1;
        var tail = text.Substring(b + 1);
        if (tail.Length > 0 && (!tail.StartsWith("^", StringComparison.Ordinal)
                || !int.TryParse(tail.Substring(1), NumberStyles.None, CultureInfo.InvariantCulture, out power)))
            return null;
        var value = coefficient;
        for (var i = 0; i < power; i++) value = checked(value * batchSize);
        return value;
    }
}

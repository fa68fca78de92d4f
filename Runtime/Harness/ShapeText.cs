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
    public static IReadOnlyList<long[]>? At(string? text, long batchSize) => LayerShape.Parse(text)?.TensorsAt(batchSize);

    public static string Format(IEnumerable<long> shape) =>
        "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace TorchBudget;

/// <summary>
/// What a module takes or returns at its first call in forward, B the batch size: one tensor (<c>[B, 6, 28, 28]</c>) or
/// several values (<c>([B, 7, 20], [1, B, 20], null)</c>; arguments may be flags too). <see cref="ToString"/> writes it as
/// the tables do.
/// </summary>
public sealed class LayerShape
{
    private LayerShape(IReadOnlyList<LayerShapeItem> items, bool isTuple)
    {
        Items = items;
        IsTuple = isTuple;
    }

    /// <summary>The values in order: one for a tensor, one per item of a tuple.</summary>
    public IReadOnlyList<LayerShapeItem> Items { get; }

    /// <summary>Several values (a tuple), written in parentheses.</summary>
    public bool IsTuple { get; }

    /// <summary>The tensors' sizes at a batch size, in order; nulls and flags are left out.</summary>
    public IReadOnlyList<long[]> TensorsAt(long batchSize) =>
        Items.Where(i => i.Dimensions is not null).Select(i => i.At(batchSize)!).ToList();

    /// <inheritdoc />
    public override string ToString()
    {
        var items = string.Join(", ", Items.Select(i => i.ToString()));
        return IsTuple ? "(" + items + ")" : items;
    }

    /// <summary>The shape the analysis wrote; null where the text is none.</summary>
    internal static LayerShape? Parse(string? text)
    {
        if (text is null) return null;
        var trimmed = text.Trim();
        var isTuple = trimmed.StartsWith("(", StringComparison.Ordinal) && trimmed.EndsWith(")", StringComparison.Ordinal);
        var items = new List<LayerShapeItem>();
        foreach (var item in Split(isTuple ? trimmed.Substring(1, trimmed.Length - 2) : trimmed))
        {
            if (LayerShapeItem.Parse(item) is not { } parsed) return null;
            items.Add(parsed);
        }
        return items.Count == 0 || (!isTuple && items.Count > 1) ? null : new LayerShape(items, isTuple);
    }

    // "[B, 8], null, true": commas inside brackets are not separators.
    private static IEnumerable<string> Split(string body)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '[') depth++;
            else if (body[i] == ']') depth--;
            else if (body[i] == ',' && depth == 0)
            {
                yield return body.Substring(start, i - start).Trim();
                start = i + 1;
            }
        }
        if (body.Trim().Length > 0) yield return body.Substring(start).Trim();
    }
}

/// <summary>One value of a <see cref="LayerShape"/>: a tensor's dimensions, an absent tensor (null), or a flag.</summary>
public sealed class LayerShapeItem
{
    private LayerShapeItem(IReadOnlyList<SymbolicDimension>? dimensions, bool? flag)
    {
        Dimensions = dimensions;
        Flag = flag;
    }

    /// <summary>A tensor's dimensions; null for an absent tensor or a flag.</summary>
    public IReadOnlyList<SymbolicDimension>? Dimensions { get; }

    /// <summary>A flag argument's value; null for anything else.</summary>
    public bool? Flag { get; }

    /// <summary>The tensor's sizes at a batch size; null for an absent tensor or a flag.</summary>
    public long[]? At(long batchSize) => Dimensions?.Select(d => d.At(batchSize)).ToArray();

    /// <inheritdoc />
    public override string ToString() => Dimensions is { } dimensions ? "[" + string.Join(", ", dimensions) + "]"
        : Flag is { } flag ? (flag ? "true" : "false")
        : "null";

    internal static LayerShapeItem? Parse(string text)
    {
        switch (text)
        {
            case "null": return new LayerShapeItem(null, null);
            case "true": return new LayerShapeItem(null, true);
            case "false": return new LayerShapeItem(null, false);
        }
        if (!text.StartsWith("[", StringComparison.Ordinal) || !text.EndsWith("]", StringComparison.Ordinal)) return null;
        var dimensions = new List<SymbolicDimension>();
        foreach (var item in text.Substring(1, text.Length - 2).Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries))
        {
            if (SymbolicDimension.Parse(item.Trim()) is not { } dimension) return null;
            dimensions.Add(dimension);
        }
        return new LayerShapeItem(dimensions, null);
    }
}

/// <summary>One dimension of a predicted shape: <see cref="Coefficient"/> × B^<see cref="BatchPower"/> (6, B, 400B, B^2).</summary>
public readonly struct SymbolicDimension : IEquatable<SymbolicDimension>
{
    /// <summary>Creates Coefficient × B^BatchPower.</summary>
    public SymbolicDimension(long coefficient, int batchPower)
    {
        Coefficient = coefficient;
        BatchPower = batchPower;
    }

    /// <summary>The fixed factor (the whole size where <see cref="BatchPower"/> is 0).</summary>
    public long Coefficient { get; }

    /// <summary>How many times the batch size multiplies it: 0 for a fixed size, 1 for the batch dimension.</summary>
    public int BatchPower { get; }

    /// <summary>The size at a batch size.</summary>
    public long At(long batchSize)
    {
        var value = Coefficient;
        for (var i = 0; i < BatchPower; i++) value = checked(value * batchSize);
        return value;
    }

    /// <inheritdoc />
    public override string ToString() => DimensionText.Format(Coefficient, BatchPower);

    /// <inheritdoc />
    public bool Equals(SymbolicDimension other) => Coefficient == other.Coefficient && BatchPower == other.BatchPower;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SymbolicDimension other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Coefficient, BatchPower);

    // "6", "B", "400B", "B^2", "4B^2".
    internal static SymbolicDimension? Parse(string text)
    {
        var b = text.IndexOf('B');
        if (b < 0) return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var constant) ? new(constant, 0) : null;
        long coefficient = 1;
        if (b > 0 && !long.TryParse(text.Substring(0, b), NumberStyles.None, CultureInfo.InvariantCulture, out coefficient)) return null;
        var power = 1;
        var tail = text.Substring(b + 1);
        if (tail.Length > 0 && (!tail.StartsWith("^", StringComparison.Ordinal)
                || !int.TryParse(tail.Substring(1), NumberStyles.None, CultureInfo.InvariantCulture, out power)))
            return null;
        return new SymbolicDimension(coefficient, power);
    }
}

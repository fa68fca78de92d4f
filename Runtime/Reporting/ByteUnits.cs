using System;
using System.Globalization;
using System.Text.RegularExpressions;

// Linked into the analyzers too (TBG001's message), under their own namespace, so tests that see both find one type.
#if TORCHBUDGET_ANALYZERS
namespace TorchBudget.Analyzers.Linked;
#else
namespace TorchBudget;
#endif

/// <summary>Bytes for people: "4.33 MiB" out, and "8 GiB", "512 MiB", "24GB", "1.5 GB", "100 B" in.</summary>
public static class ByteUnits
{
    private static readonly Regex SizePattern =
        new(@"^\s*(?<number>\d+(\.\d+)?)\s*(?<unit>[KMGTP]?i?B)?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly string[] Units = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };

    /// <summary>Formats with binary (IEC) units and two decimals.</summary>
    public static string Format(long bytes)
    {
        if (bytes < 1024) return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString("0.00", CultureInfo.InvariantCulture) + " " + Units[unit];
    }

    /// <summary>
    /// The bytes of a memory size as people write it: IEC binary units ("8 GiB", "512 MiB") or SI decimal ones ("24GB",
    /// "1.5 GB"), or "100 B". The unit is required: "8" is more likely 8 GiB than 8 bytes.
    /// </summary>
    /// <exception cref="FormatException">The text is not a size, has no unit, is not positive or overflows 64 bits.</exception>
    public static long Parse(string text) => Parse(text, out var problem) ?? throw new FormatException(problem);

    /// <summary>The size in bytes, or null with why (for a diagnostic or an exception) when the text is not a size.</summary>
    internal static long? Parse(string? text, out string? problem)
    {
        problem = null;
        var match = text is null ? Match.Empty : SizePattern.Match(text);
        if (!match.Success)
        {
            problem = $"'{text}' is not a memory size; write e.g. \"8 GiB\", \"512 MiB\", \"24GB\" or \"1.5 GB\"";
            return null;
        }
        if (!match.Groups["unit"].Success)
        {
            var number = match.Groups["number"].Value;
            problem = $"'{text}' has no unit; write e.g. \"{number} GiB\", or \"{number} B\" for bytes";
            return null;
        }
        var unit = match.Groups["unit"].Value.ToUpperInvariant();
        var binary = unit.Length == 3;
        var power = "BKMGTP".IndexOf(unit[0]);
        var scale = 1m;
        for (var i = 0; i < power; i++) scale *= binary ? 1024m : 1000m;
        decimal bytes;
        try
        {
            var value = decimal.Parse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            bytes = decimal.Floor(value * scale);
        }
        catch (OverflowException)
        {
            bytes = decimal.MaxValue; // more digits than decimal holds: far beyond 64 bits
        }
        if (bytes <= 0 || bytes > long.MaxValue)
        {
            problem = $"'{text}' is {(bytes <= 0 ? "not a positive size" : "larger than a 64-bit byte count")}";
            return null;
        }
        return (long)bytes;
    }
}

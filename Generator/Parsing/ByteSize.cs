using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TorchBudget.Generator.Parsing;

/// <summary>
/// Memory sizes as people write them: "8 GiB", "512 MiB", "24GB", "1.5 GB" (IEC binary and SI decimal units), "100 B". The
/// unit is required.
/// </summary>
internal static class ByteSize
{
    private static readonly Regex Pattern =
        new(@"^\s*(?<number>\d+(\.\d+)?)\s*(?<unit>[KMGTP]?i?B)?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>The size in bytes, or null (with why) when the text is not a size or overflows.</summary>
    public static long? Parse(string? text, out string? problem)
    {
        problem = null;
        var match = text is null ? Match.Empty : Pattern.Match(text);
        if (!match.Success)
        {
            problem = $"'{text}' is not a memory size; write e.g. \"8 GiB\", \"512 MiB\", \"24GB\" or \"1.5 GB\"";
            return null;
        }
        // A bare number is more likely "8" meaning 8 GiB than 8 bytes: the unit is required ("8 B" for bytes).
        if (!match.Groups["unit"].Success)
        {
            problem = $"'{text}' has no unit; write e.g. \"{match.Groups["number"].Value} GiB\", or \"{match.Groups["number"].Value} B\" for bytes";
            return null;
        }
        var number = decimal.Parse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        var unit = match.Groups["unit"].Value.ToUpperInvariant();
        var binary = unit.Length == 3;
        var power = "BKMGTP".IndexOf(unit[0]);
        var scale = 1m;
        for (var i = 0; i < power; i++) scale *= binary ? 1024m : 1000m;
        var bytes = decimal.Floor(number * scale);
        if (bytes <= 0 || bytes > long.MaxValue)
        {
            problem = $"'{text}' is {(bytes <= 0 ? "not a positive size" : "larger than a 64-bit byte count")}";
            return null;
        }
        return (long)bytes;
    }
}

using System.Globalization;

// Linked into the analyzers too (TBG001's message), under their own namespace, so tests that see both find one type.
#if TORCHBUDGET_ANALYZERS
namespace TorchBudget.Analyzers.Linked;
#else
namespace TorchBudget;
#endif

/// <summary>Bytes for people: "4.33 MiB".</summary>
public static class ByteUnits
{
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
}

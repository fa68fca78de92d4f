using System.Globalization;

// Linked into the generator too: it writes dimensions as the runtime reads them back (LayerShape).
#if TORCHBUDGET_ANALYZERS
namespace TorchBudget.Analyzers.Linked;
#else
namespace TorchBudget;
#endif

/// <summary>A dimension Coefficient × B^BatchPower as the tables write it: 6, B, 400B, B^2, 4B^2.</summary>
internal static class DimensionText
{
    public static string Format(long coefficient, int batchPower)
    {
        var number = coefficient.ToString(CultureInfo.InvariantCulture);
        return batchPower switch
        {
            0 => number,
            _ when coefficient == 0 => "0",
            1 => coefficient == 1 ? "B" : number + "B",
            _ => (coefficient == 1 ? "" : number) + "B^" + batchPower.ToString(CultureInfo.InvariantCulture),
        };
    }
}

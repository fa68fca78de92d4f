using System;
using System.Globalization;

namespace TorchBudget.Harness;

/// <summary>How the harness and the finder write durations in their progress lines.</summary>
internal static class ProgressText
{
    public static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
}

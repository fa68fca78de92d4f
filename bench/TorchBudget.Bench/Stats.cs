using System.Collections.Generic;
using System.Linq;

namespace TorchBudget.Bench;

/// <summary>Mean, median and max of a series of measurements.</summary>
internal sealed record Stats(double Mean, double Median, double Max)
{
    public static Stats Of(IReadOnlyCollection<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        return new Stats(values.Average(), median, sorted[^1]);
    }
}

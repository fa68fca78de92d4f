using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchBudget.Generator.Parametric;

namespace TorchBudget.Generator.Emitting;

/// <summary>
/// The sizes the construction paths cover, for the exception's message: paths that differ only in the value one size
/// is fixed to read as one line, <c>depth in 1–16</c>, instead of sixteen.
/// </summary>
internal static class CoveredSizes
{
    public static string Describe(IEnumerable<IReadOnlyList<SizeGuard>> paths, Func<SizeGuard, string> describe, string[] names)
    {
        var lines = new List<(string Key, int? Variable, long Value)>();
        foreach (var guards in paths)
        {
            // The first size the path fixes to one value; the rest of its guards make the group's key.
            var fixedSize = guards.Select(g => (Guard: g, Value: GuardIntervals.FixedValue(g))).FirstOrDefault(f => f.Value is not null);
            var key = string.Join(" and ", guards.Select(g => g.Equals(fixedSize.Guard) && fixedSize.Value is not null ? "#" : describe(g)));
            lines.Add((key, fixedSize.Value?.Variable, fixedSize.Value?.Value ?? 0));
        }
        var described = new List<string>();
        foreach (var group in lines.GroupBy(l => (l.Key, l.Variable)))
        {
            if (group.Key.Variable is not { } variable)
            {
                described.Add(group.Key.Key.Length == 0 ? "every size" : group.Key.Key);
                continue;
            }
            var values = Ranges(group.Select(l => l.Value).OrderBy(v => v).ToList());
            var text = group.Count() == 1 ? $"{names[variable].TrimStart('@')} == {values}" : $"{names[variable].TrimStart('@')} in {values}";
            described.Add(group.Key.Key.Replace("#", text));
        }
        return string.Join("; ", described);
    }

    /// <summary>1, 2, 3, 5, 7, 8 as "1–3, 5, 7–8".</summary>
    private static string Ranges(List<long> values)
    {
        var parts = new List<string>();
        for (var i = 0; i < values.Count;)
        {
            var j = i;
            while (j + 1 < values.Count && values[j + 1] == values[j] + 1) j++;
            parts.Add(j == i ? Text(values[i]) : $"{Text(values[i])}–{Text(values[j])}");
            i = j + 1;
        }
        return string.Join(", ", parts);
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}

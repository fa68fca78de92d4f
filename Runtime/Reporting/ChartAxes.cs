using System;
using System.Collections.Generic;
using System.Globalization;

namespace TorchBudget;

/// <summary>
/// The HTML chart's axes: the batch sizes it draws (1, then round steps to beyond the recommended batch) and a
/// byte axis with round ticks in one binary unit ("0, 2 MiB, 4 MiB, …").
/// </summary>
internal static class ChartAxes
{
    /// <summary>The chart never draws more than this many batch steps, nor batches past <see cref="LargestBatch"/>.</summary>
    private const int Steps = 16;
    private const long LargestBatch = 1_000_000_000_000;

    /// <summary>
    /// Batch 1, then multiples of a round step up to at least 1.3 × <paramref name="recommended"/> (8 at least), so the
    /// bars pass the budget line and the marker sits inside the chart.
    /// </summary>
    public static IReadOnlyList<long> Batches(long recommended)
    {
        var upper = Math.Min(LargestBatch, Math.Max(8m, Math.Ceiling(recommended * 1.3m)));
        var step = Math.Max(1m, RoundStepAtLeast(upper / Steps, new[] { 1m, 2m, 5m }));
        var batches = new List<long> { 1 };
        for (var batch = step; ; batch += step)
        {
            if (batch > 1) batches.Add((long)batch);
            if (batch >= upper) break;
        }
        return batches;
    }

    /// <summary>Ticks from 0 to the first round value at or above <paramref name="top"/>, in one binary unit.</summary>
    public static ByteTicks Ticks(long top)
    {
        var units = new[] { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
        var unit = 0;
        decimal unitBytes = 1;
        while (unit < units.Length - 1 && top >= unitBytes * 1024) { unitBytes *= 1024; unit++; }
        var step = RoundStepAtLeast(Math.Max(top, 1) / unitBytes / 6, new[] { 1m, 2m, 2.5m, 5m });
        if (unit == 0) step = Math.Max(1, Math.Ceiling(step));
        var count = (int)Math.Ceiling(Math.Max(top, 1) / unitBytes / step);
        return new ByteTicks(step * unitBytes, count, step, units[unit]);
    }

    /// <summary>The smallest m × 10^k (m from <paramref name="mantissas"/>, ascending) not below <paramref name="least"/>; 1 at least.</summary>
    private static decimal RoundStepAtLeast(decimal least, decimal[] mantissas)
    {
        // From 0.01: a byte axis may step by 0.5 MiB; callers that need whole steps round up.
        for (var power = 0.01m; ; power *= 10)
        {
            foreach (var mantissa in mantissas)
            {
                if (mantissa * power >= least) return mantissa * power;
            }
        }
    }
}

/// <summary>Tick marks of the byte axis: <see cref="Count"/> steps of <see cref="StepBytes"/> from 0.</summary>
internal readonly record struct ByteTicks(decimal StepBytes, int Count, decimal StepInUnit, string Unit)
{
    /// <summary>The axis' top: the last tick.</summary>
    public decimal TopBytes => StepBytes * Count;

    /// <summary>The label of tick <paramref name="index"/>: "0", "2.5 MiB".</summary>
    public string Label(int index) => index == 0 ? "0" : (StepInUnit * index).ToString("0.##", CultureInfo.InvariantCulture) + " " + Unit;
}

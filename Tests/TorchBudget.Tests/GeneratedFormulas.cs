using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace TorchBudget.Tests;

/// <summary>Reads the byte formulas back out of generated source, for compilations the tests do not load.</summary>
internal static class GeneratedFormulas
{
    /// <summary>The formulas generated code passes as <paramref name="argument"/> (activations, peakLines); null when it passes null or none.</summary>
    public static List<ByteFormula>? Of(string generatedText, string argument)
    {
        var match = Regex.Match(generatedText, argument + ": (.*)$", RegexOptions.Multiline);
        if (!match.Success || match.Groups[1].Value.StartsWith("null", StringComparison.Ordinal)) return null;
        static long Long(Group group) => long.Parse(group.Value, CultureInfo.InvariantCulture);
        return Regex.Matches(match.Groups[1].Value, @"ByteFormula\((-?\d+)L, (\d+)L((?:, new global::TorchBudget\.RoundedBytes\(\d+L, \d+L, \d+L, \d+\))*)\)")
            .Select(formula => new ByteFormula(Long(formula.Groups[1]), Long(formula.Groups[2]),
                Regex.Matches(formula.Groups[3].Value, @"RoundedBytes\((\d+)L, (\d+)L, (\d+)L, (\d+)\)")
                    .Select(r => new RoundedBytes(Long(r.Groups[1]), Long(r.Groups[2]), Long(r.Groups[3]), (int)Long(r.Groups[4]))).ToArray()))
            .ToList();
    }

    /// <summary>The generated peak at <paramref name="batchSize"/> (batch 1's own peak ignored); null when unknown.</summary>
    public static long? PeakAt(string generatedText, long batchSize) => Of(generatedText, "peakLines")?.Max(line => line.At(batchSize));
}

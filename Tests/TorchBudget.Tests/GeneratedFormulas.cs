using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace TorchBudget.Tests;

/// <summary>Reads the byte formulas back out of generated source, for compilations the tests do not load.</summary>
internal static class GeneratedFormulas
{
    /// <summary>
    /// The formulas generated code passes as <paramref name="argument"/> (activations, peakLines); null when it passes null or none.
    /// </summary>
    public static List<ByteFormula>? Of(string generatedText, string argument)
    {
        var match = Regex.Match(generatedText, @"^\s*" + Member(argument) + " = (.*)$", RegexOptions.Multiline);
        if (!match.Success || match.Groups[1].Value.StartsWith("null", StringComparison.Ordinal)) return null;
        return Formulas(match.Groups[1].Value);
    }

    /// <summary>
    /// The generated peak at <paramref name="batchSize"/>: batch 1's own peak where one is emitted, the lines of the
    /// batch regime it falls in (largerBatchPeaks), else peakLines; null when unknown.
    /// </summary>
    public static long? PeakAt(string generatedText, long batchSize)
    {
        var lines = Of(generatedText, "peakLines");
        if (lines is null) return null;
        var atOne = Regex.Match(generatedText, @"^\s*PeakAtBatchOne = (\d+)L", RegexOptions.Multiline);
        if (batchSize == 1 && atOne.Success) return Long(atOne.Groups[1]);
        var regimes = Regex.Match(generatedText, @"^\s*LargerBatchPeaks = (.*)$", RegexOptions.Multiline);
        if (regimes.Success)
        {
            foreach (Match regime in Regex.Matches(regimes.Groups[1].Value,
                @"PeakRegime\((\d+)L, new global::TorchBudget\.ByteFormula\[\] \{ (.*?) \}\)"))
            {
                if (Long(regime.Groups[1]) <= batchSize) lines = Formulas(regime.Groups[2].Value);
            }
        }
        return lines.Max(line => line.At(batchSize));
    }

    /// <summary>The generated activations at <paramref name="batchSize"/>: batch 1's own figure where one is emitted; null when unknown.</summary>
    public static long? ActivationsAt(string generatedText, long batchSize)
    {
        if (Of(generatedText, "activations") is not [var activations]) return null;
        var atOne = Regex.Match(generatedText, @"^\s*ActivationsAtBatchOne = (\d+)L", RegexOptions.Multiline);
        return batchSize == 1 && atOne.Success ? Long(atOne.Groups[1]) : activations.At(batchSize);
    }

    /// <summary>The generated member an argument name stands for: activations → Activations.</summary>
    private static string Member(string argument) => char.ToUpperInvariant(argument[0]) + argument.Substring(1);

    private static long Long(Group group) => long.Parse(group.Value, CultureInfo.InvariantCulture);

    private static List<ByteFormula> Formulas(string text)
    {
        return Regex.Matches(text, @"ByteFormula\((-?\d+)L, (\d+)L((?:, new global::TorchBudget\.RoundedBytes\(\d+L, \d+L, \d+L, \d+\))*)\)")
            .Select(formula => new ByteFormula(Long(formula.Groups[1]), Long(formula.Groups[2]),
                Regex.Matches(formula.Groups[3].Value, @"RoundedBytes\((\d+)L, (\d+)L, (\d+)L, (\d+)\)")
                    .Select(r => new RoundedBytes(Long(r.Groups[1]), Long(r.Groups[2]), Long(r.Groups[3]), (int)Long(r.Groups[4]))).ToArray()))
            .ToList();
    }
}

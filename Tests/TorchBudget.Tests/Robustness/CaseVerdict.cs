using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace TorchBudget.Tests.Robustness;

/// <summary>
/// What counts as handling a case well. Crashes of either side (an exception, CS8784/CS8785, AD0001) and TBG900
/// (an internal error the product caught, still a bug) always fail. Then every class carrying [MemoryProfile]
/// must end in one of three honest states:
/// <list type="bullet">
/// <item>a generated report with IsComplete = true;</item>
/// <item>a diagnostic that names the class and says why its report is missing or incomplete: TBG003 (forward
/// fails at run time, so what follows is not known), TBG004 (a construct the analysis cannot follow), TBG005
/// (invalid attribute arguments or settings), TBG006 (the class cannot be profiled at all), TBG009 (the profile's
/// input does not fit the model);</item>
/// <item>a report whose counts are all known and whose only gap is the peak, with the note that says why
/// ("Peak is unknown: …"). The README documents this for convolutions, recurrent and attention layers; it becomes
/// a TBG004 only where a budget asks for the peak, which BudgetCheck does.</item>
/// </list>
/// TBG001, TBG002 and TBG007 are findings about a model that was analyzed, not reasons for a gap, so they never
/// excuse one.
/// </summary>
internal static class CaseVerdict
{
    private static readonly string[] CrashIds = { "CS8784", "CS8785", "AD0001" };
    private static readonly string[] ExplainingIds = { "TBG003", "TBG004", "TBG005", "TBG006", "TBG009" };
    private static readonly Regex KnownParameterCount = new(@"^\s*ParameterCount = \d+L,", RegexOptions.Compiled | RegexOptions.Multiline);

    public static IReadOnlyList<string> Problems(CaseOutcome outcome)
    {
        var problems = new List<string>();
        problems.AddRange(outcome.Exceptions.Select(e => "exception: " + e));
        var all = outcome.GeneratorDiagnostics.Concat(outcome.AnalyzerDiagnostics).ToList();
        problems.AddRange(all.Where(d => CrashIds.Contains(d.Id)).Select(d => "crash diagnostic: " + d));
        problems.AddRange(all.Where(d => d.Id == "TBG900").Select(d => "internal error: " + d));

        foreach (var name in outcome.ProfiledClasses)
        {
            var reports = outcome.Generated.Where(g => g.ClassName == name).ToList();
            if (reports.Any(r => r.IsComplete)) continue;
            var quoted = $"'{name}'";
            if (outcome.AnalyzerDiagnostics.Any(d => ExplainingIds.Contains(d.Id) && d.GetMessage().Contains(quoted, StringComparison.Ordinal)))
                continue;
            if (reports.Any(r => r.Text.Contains("\"Peak is unknown: ", StringComparison.Ordinal) && KnownParameterCount.IsMatch(r.Text))) continue;
            var seen = string.Join("; ", outcome.AnalyzerDiagnostics
                .Where(d => d.Id.StartsWith("TBG", StringComparison.Ordinal))
                .Select(d => d.Id + " " + d.GetMessage()));
            problems.Add($"{name}: {(reports.Count == 0 ? "no report" : "an incomplete report")} and no diagnostic that says why "
                + $"(TBG diagnostics: {(seen.Length == 0 ? "none" : seen)})");
        }
        return problems;
    }

    /// <summary>Everything the case produced that must not vary between two runs on the same input.</summary>
    public static string Fingerprint(CaseOutcome outcome) => string.Join("\n---\n",
        outcome.Generated.OrderBy(g => g.HintName, StringComparer.Ordinal).Select(g => g.HintName + "\n" + g.Text)
            .Concat(outcome.GeneratorDiagnostics.Concat(outcome.AnalyzerDiagnostics)
                .Select(d => d.ToString())
                .OrderBy(d => d, StringComparer.Ordinal)));
}

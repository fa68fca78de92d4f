using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace TorchBudget.Tool;

/// <summary><c>torchbudget report</c>: every profiled model's generated report, from a built assembly or a project.</summary>
internal static class ReportCommand
{
    private const long DefaultHtmlBudget = 8L << 30;

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter errors)
    {
        if (args is ["--help" or "-h" or "help"] || args is ["report", "--help" or "-h"])
        {
            output.WriteLine(ReportOptions.Usage);
            return 0;
        }
        var options = ReportOptions.Parse(args, out var problem);
        if (options is null) return Fail(errors, problem!, usage: true);

        var assembly = Assembly(options.Target, output, out problem);
        if (assembly is null) return Fail(errors, problem!);
        var reports = ModelAssembly.Load(assembly, out problem);
        if (reports is null) return Fail(errors, problem!);
        var chosen = reports.Where(r => options.Models.Count == 0
            || options.Models.Any(m => m == r.FullName || m == r.Report.ModelName)).ToList();
        var missing = options.Models.Where(m => !reports.Any(r => m == r.FullName || m == r.Report.ModelName)).ToList();
        if (missing.Count > 0) return Fail(errors, $"no profiled model named {string.Join(", ", missing)} in {assembly}");
        if (chosen.Count == 0)
        {
            errors.WriteLine($"torchbudget: {assembly} has no class with [MemoryProfile] and a generated report " +
                "(is the TorchBudget package referenced, and did the build report TBG warnings?).");
            return 1;
        }

        output.WriteLine($"{chosen.Count} profiled model{(chosen.Count == 1 ? "" : "s")} in {assembly}");
        var allFit = true;
        foreach (var (fullName, report) in chosen)
        {
            output.WriteLine();
            output.WriteLine(report.ToMarkdown(options.Depth, options.Order));
            output.WriteLine();
            if (options.BudgetBytes is { } budget) allFit &= Budget(output, report, budget, options);
            if (options.HtmlFolder is { } folder)
            {
                var page = Path.Combine(folder, fullName + ".html");
                report.WriteHtml(page, options.BudgetBytes ?? DefaultHtmlBudget, options.SafetyFactor);
                output.WriteLine($"HTML report: {Path.GetFullPath(page)}" +
                    (options.BudgetBytes is null ? $" (budget {ByteUnits.Format(DefaultHtmlBudget)}; set one with --budget)" : ""));
            }
        }
        return allFit ? 0 : 3;
    }

    /// <summary>The assembly a target names: itself, or a project's output after building it; null with why.</summary>
    private static string? Assembly(string target, TextWriter log, out string? problem)
    {
        problem = null;
        var path = Path.GetFullPath(target);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            problem = $"{target} does not exist";
            return null;
        }
        if (File.Exists(path) && (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".exe", StringComparison.OrdinalIgnoreCase)))
            return path;
        var project = ProjectBuild.Find(path, out problem);
        return project is null ? null : ProjectBuild.Build(project, log, out problem);
    }

    /// <summary>The largest batch under the budget, and with --batch whether that batch fits; false when it does not or is unknown.</summary>
    private static bool Budget(TextWriter output, MemoryReport report, long budget, ReportOptions options)
    {
        var usable = $"{options.SafetyFactor.ToString("0.##", CultureInfo.InvariantCulture)} × {options.BudgetText} " +
            $"({ByteUnits.Format((long)(budget * (decimal)options.SafetyFactor))})";
        // TryForBatch is false where any row of the table is unknown: then no batch can be checked against the budget.
        if (!report.TryForBatch(options.BatchSize ?? 1, out var breakdown))
        {
            output.WriteLine($"Budget {options.BudgetText}: unknown, the training peak is not predicted (see the notes above).");
            return options.BatchSize is null;
        }
        output.WriteLine($"Largest batch whose training peak fits {usable}: {report.MaxBatchSize(budget, options.SafetyFactor):N0}");
        if (options.BatchSize is not { } batch) return true;
        var peak = breakdown.Peak;
        var fits = peak <= budget * (decimal)options.SafetyFactor;
        output.WriteLine($"Batch {batch:N0}: training peak {ByteUnits.Format(peak)}, {(fits ? "fits" : "DOES NOT FIT")} {usable}.");
        return fits;
    }

    private static int Fail(TextWriter errors, string problem, bool usage = false)
    {
        errors.WriteLine("torchbudget: " + problem);
        if (usage) errors.WriteLine(ReportOptions.Usage);
        return 2;
    }
}

using System;
using System.Collections.Generic;

namespace TorchBudget.Tool;

/// <summary>What <c>torchbudget report</c> was asked for, parsed from its arguments.</summary>
internal sealed record ReportOptions(string Target, string? HtmlFolder, long? BudgetBytes, string? BudgetText, long? BatchSize,
    IReadOnlyList<string> Models, double SafetyFactor, int? Depth, LayerOrder Order)
{
    public const string Usage = """
        Usage: torchbudget report <assembly.dll | project file | project folder> [options]

        Prints the memory report TorchBudget generated for every [MemoryProfile] model in a built assembly. Given a
        project (or a folder holding one), builds it first (dotnet build -c Release).

        Options:
          --budget SIZE    a memory budget such as "24 GiB" or "16GB": prints the largest batch whose training peak fits
                           the safety factor of it, and is the HTML pages' budget (default 8 GiB)
          --batch N        with --budget: checks that each model's training peak at batch N fits; exit code 3 when one
                           does not or its peak is unknown
          --safety F       the usable part of the budget, in (0, 1] (default 0.8)
          --html DIR       also writes each model's HTML report to DIR/<Model>.html
          --model NAME     only this model (class name or full name); may be repeated
          --depth N        the layer table down to depth N (1: the model's children); containers show their subtree
          --order ORDER    the layer table's order: named (named_modules(), the default), tree, or execution

        Exit codes: 0 done, 1 no profiled model found, 2 bad arguments or the target could not be built or loaded,
        3 a model does not fit --budget at --batch.
        """;

    /// <summary>The options, or null with why (for the usage message).</summary>
    public static ReportOptions? Parse(IReadOnlyList<string> args, out string? problem)
    {
        problem = null;
        if (args.Count == 0 || args[0] != "report")
        {
            problem = args.Count == 0 ? "no command given" : $"unknown command '{args[0]}'";
            return null;
        }
        string? target = null, html = null, budgetText = null;
        long? budget = null, batch = null;
        var safety = 0.8;
        int? depth = null;
        var order = LayerOrder.NamedModules;
        var models = new List<string>();
        for (var i = 1; i < args.Count; i++)
        {
            var argument = args[i];
            if (!argument.StartsWith("--", StringComparison.Ordinal))
            {
                if (target is not null)
                {
                    problem = $"more than one target: '{target}' and '{argument}'";
                    return null;
                }
                target = argument;
                continue;
            }
            if (i + 1 >= args.Count)
            {
                problem = $"{argument} needs a value";
                return null;
            }
            var value = args[++i];
            switch (argument)
            {
                case "--html":
                    html = value;
                    break;
                case "--budget":
                    try
                    {
                        budget = ByteUnits.Parse(value);
                    }
                    catch (FormatException error)
                    {
                        problem = "--budget: " + error.Message;
                        return null;
                    }
                    budgetText = value;
                    break;
                case "--batch":
                    if (!long.TryParse(value, out var b) || b <= 0)
                    {
                        problem = $"--batch takes a positive whole number, not '{value}'";
                        return null;
                    }
                    batch = b;
                    break;
                case "--safety":
                    if (!double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture,
                            out safety) || safety <= 0 || safety > 1)
                    {
                        problem = $"--safety takes a number in (0, 1], not '{value}'";
                        return null;
                    }
                    break;
                case "--model":
                    models.Add(value);
                    break;
                case "--depth":
                    if (!int.TryParse(value, out var d) || d <= 0)
                    {
                        problem = $"--depth takes a whole number from 1, not '{value}'";
                        return null;
                    }
                    depth = d;
                    break;
                case "--order":
                    LayerOrder? parsed = value switch
                    {
                        "named" => LayerOrder.NamedModules,
                        "tree" => LayerOrder.Tree,
                        "execution" => LayerOrder.Execution,
                        _ => null,
                    };
                    if (parsed is null)
                    {
                        problem = $"--order takes named, tree or execution, not '{value}'";
                        return null;
                    }
                    order = parsed.Value;
                    break;
                default:
                    problem = $"unknown option '{argument}'";
                    return null;
            }
        }
        if (target is null)
        {
            problem = "no assembly or project given";
            return null;
        }
        if (batch is not null && budget is null)
        {
            problem = "--batch checks a budget: give --budget too";
            return null;
        }
        return new ReportOptions(target, html, budget, budgetText, batch, models, safety, depth, order);
    }
}

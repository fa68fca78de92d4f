using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace TorchBudget.Tests.Robustness;

/// <summary>One generated file: the class it was generated for and its text.</summary>
internal sealed record GeneratedReport(string HintName, string ClassName, string Text)
{
    public bool IsComplete => Text.Contains("IsComplete = true", StringComparison.Ordinal);
}

/// <summary>What running the generator and the analyzers on one case produced.</summary>
internal sealed record CaseOutcome(
    IReadOnlyList<string> ProfiledClasses,
    IReadOnlyList<GeneratedReport> Generated,
    IReadOnlyList<Diagnostic> GeneratorDiagnostics,
    IReadOnlyList<Diagnostic> AnalyzerDiagnostics,
    IReadOnlyList<string> Exceptions,
    TimeSpan Elapsed);

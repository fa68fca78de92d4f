namespace TorchBudget.Analyzers;

/// <summary>
/// What TBG001 hands its code fix in <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/>, so the fix needs no
/// analysis of its own. Linked into TorchBudget.CodeFixes, which must not reference the analyzer assemblies' internals.
/// </summary>
internal static class OverBudgetProperties
{
    public const string DiagnosticId = "TBG001";

    /// <summary>The largest batch whose peak fits SafetyFactor × budget, invariant digits; "0" when not even one sample fits.</summary>
    public const string LargestBatchThatFits = "LargestBatchThatFits";

    /// <summary>The project's TorchBudgetMemoryBudget as written; present only when that (not [MemoryBudget]) was the budget.</summary>
    public const string ProjectMemoryBudget = "ProjectMemoryBudget";
}

namespace TorchBudget.Generator.Model;

/// <summary>A [MemoryBudget] (or the project's TorchBudgetMemoryBudget) to check the training peak against. Not emitted.</summary>
internal sealed record BudgetSpec(long BudgetBytes, string BudgetText, long BatchSize, double SafetyFactor, LocationInfo? Location);

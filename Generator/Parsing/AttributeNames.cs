namespace TorchBudget.Generator.Parsing;

internal static class AttributeNames
{
    public const string MemoryProfile = "TorchBudget.MemoryProfileAttribute";
    public const string MemoryBudget = "TorchBudget.MemoryBudgetAttribute";
    public const string MemoryInput = "TorchBudget.MemoryInputAttribute";
}

namespace TorchBudget.Generator.Model;

/// <summary>What <c>[MemoryProfile]</c> asked for, validated. Enum values are kept by member name.</summary>
internal sealed record ProfileSettings(
    EquatableArray<long> InputShape,
    string DType,
    string InputDType,
    string Optimizer,
    EquatableArray<long> BatchSizes);

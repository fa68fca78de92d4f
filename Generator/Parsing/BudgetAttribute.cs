using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using TorchBudget.Analyzers.Linked;
using TorchBudget.Generator.Diagnostics;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Parsing;

/// <summary>Reads and validates [MemoryBudget(...)]; every problem becomes a TBG005 at the attribute.</summary>
internal static class BudgetAttribute
{
    public static BudgetSpec? Read(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics)
    {
        var attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == AttributeNames.MemoryBudget);
        if (attribute is null) return null;
        var location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax());
        void Invalid(string message) => diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.InvalidAttributeArguments.Id, location,
            new[] { "MemoryBudget", type.Name, message }.ToEquatableArray()));

        var text = attribute.ConstructorArguments.FirstOrDefault().Value as string;
        var bytes = ByteUnits.Parse(text, out var problem);
        if (problem is not null) Invalid(problem);
        long batchSize = 0;
        var safetyFactor = 0.8;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "BatchSize" && named.Value.Value is long batch) batchSize = batch;
            if (named.Key == "SafetyFactor" && named.Value.Value is double factor) safetyFactor = factor;
        }
        if (batchSize <= 0)
            Invalid(batchSize == 0 ? "set BatchSize: the budget is checked at that batch size" : $"BatchSize must be positive, got {batchSize}");
        if (!(safetyFactor > 0 && safetyFactor <= 1)) Invalid($"SafetyFactor must be in (0, 1], got {safetyFactor}");
        return bytes is { } budget && batchSize > 0 && safetyFactor > 0 && safetyFactor <= 1
            ? new BudgetSpec(budget, text!, batchSize, safetyFactor, location)
            : null;
    }
}

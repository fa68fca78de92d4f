using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using TorchBudget.Generator.Diagnostics;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Parsing;

/// <summary>Reads and validates a class's <c>[MemoryInput(position, shape...)]</c>; every problem becomes a TBG005 at it.</summary>
internal static class InputAttributes
{
    public static EquatableArray<InputSpec> Read(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics)
    {
        var inputs = new List<InputSpec>();
        foreach (var attribute in type.GetAttributes().Where(a => a.AttributeClass?.ToDisplayString() == AttributeNames.MemoryInput))
        {
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax();
            void Invalid(string message) => diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.InvalidAttributeArguments.Id,
                LocationInfo.From(syntax), new[] { "MemoryInput", type.Name, message }.ToEquatableArray()));

            if (attribute.ConstructorArguments.Length != 2 || attribute.ConstructorArguments[0].Value is not int position
                || ProfileAttribute.Longs(attribute.ConstructorArguments[1]) is not { } shape)
            {
                Invalid("give a constant position and constant long dimensions, e.g. [MemoryInput(1, 12)]");
                continue;
            }
            var sequence = System.Collections.Immutable.ImmutableArray<int>.Empty;
            if (attribute.NamedArguments.FirstOrDefault(a => a.Key == "SequenceDimensions") is { Key: not null } marked)
            {
                if (ProfileAttribute.SequenceDimensions(marked.Value, shape, out var problem) is { } dims) sequence = dims;
                else { Invalid(problem!); continue; }
            }
            var dtype = ScalarType.Float32;
            var named = attribute.NamedArguments.Where(a => a.Key == "DType").Select(a => a.Value).ToList();
            if (named.Count == 1)
            {
                if (ScalarTypes.Parse(ProfileAttribute.EnumName(named[0])) is { } parsed && ProfileAttribute.IsInputType(parsed)) dtype = parsed;
                else { Invalid("its DType is not supported"); continue; }
            }
            if (position < 1) Invalid($"position {position}: position 0 is [MemoryProfile]'s input; further inputs start at 1");
            else if (inputs.Any(i => i.Position == position)) Invalid($"position {position} is declared twice");
            else if (shape.Length == 0) Invalid("the shape is empty: give one sample's shape without the batch dimension");
            else if (shape.Any(d => d <= 0)) Invalid($"shape dimensions must be positive, got ({string.Join(", ", shape)})");
            else if (!ProfileAttribute.FitsALong(shape))
                Invalid($"one sample of shape ({string.Join(", ", shape)}) has more elements than a 64-bit count holds");
            else inputs.Add(new InputSpec(position, shape.ToEquatableArray(), dtype) { SequenceDimensions = sequence.ToEquatableArray() });
        }
        return inputs.OrderBy(i => i.Position).ToEquatableArray();
    }
}

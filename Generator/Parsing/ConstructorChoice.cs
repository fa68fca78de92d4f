using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using TorchBudget.Generator.Interpretation;

namespace TorchBudget.Generator.Parsing;

/// <summary>
/// Picks the constructor <c>Arguments</c> fits (positional; the rest take their declared defaults), as
/// <c>new T(arguments...)</c> would, and converts each argument to its parameter's type.
/// </summary>
internal static class ConstructorChoice
{
    public static (IMethodSymbol? Constructor, IReadOnlyList<Value> Arguments, string? Problem) Choose(INamedTypeSymbol type,
        IReadOnlyList<Value> arguments)
    {
        var candidates = type.InstanceConstructors
            .Where(c => !c.IsStatic && Fits(c, arguments))
            .OrderBy(c => c.Parameters.Length)
            .ToList();
        if (candidates.Count == 0)
        {
            var signatures = string.Join("; ", type.InstanceConstructors
                .Select(c => "(" + string.Join(", ", c.Parameters.Select(p => $"{p.Type.ToDisplayString()} {p.Name}")) + ")"));
            return (null, arguments,
                $"Arguments ({string.Join(", ", arguments.Select(a => a.Describe()))}) fit no constructor of '{type.Name}': {signatures}");
        }
        var best = candidates[0];
        if (candidates.Count > 1 && candidates[1].Parameters.Length == best.Parameters.Length)
        {
            return (null, arguments, $"Arguments fit several constructors of '{type.Name}' equally well; pass every argument to pick one");
        }
        var converted = arguments.Select((a, i) => ConvertTo(a, ParameterAt(best, i)?.Type)).ToList();
        return (best, converted, null);
    }

    private static IParameterSymbol? ParameterAt(IMethodSymbol constructor, int index)
    {
        if (index < constructor.Parameters.Length && !constructor.Parameters[index].IsParams) return constructor.Parameters[index];
        var last = constructor.Parameters.LastOrDefault();
        return last is { IsParams: true } ? last : null;
    }

    private static bool Fits(IMethodSymbol constructor, IReadOnlyList<Value> arguments)
    {
        var required = constructor.Parameters.Count(p => !p.IsOptional && !p.IsParams);
        var hasParams = constructor.Parameters.LastOrDefault()?.IsParams == true;
        if (arguments.Count < required || (!hasParams && arguments.Count > constructor.Parameters.Length)) return false;
        for (var i = 0; i < arguments.Count; i++)
        {
            var parameter = ParameterAt(constructor, i)!;
            var type = parameter.IsParams && parameter.Type is IArrayTypeSymbol array
                && !(i == constructor.Parameters.Length - 1 && arguments[i] is ListValue)
                ? array.ElementType
                : parameter.Type;
            if (!Accepts(type, arguments[i])) return false;
        }
        return true;
    }

    private static bool Accepts(ITypeSymbol type, Value value)
    {
        if (type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
            return value is NullValue || Accepts(((INamedTypeSymbol)type).TypeArguments[0], value);
        return value switch
        {
            UnknownValue => true,
            NullValue => !type.IsValueType,
            IntValue => type.SpecialType is >= SpecialType.System_SByte and <= SpecialType.System_Double
                || type.SpecialType == SpecialType.System_Object || type.TypeKind == TypeKind.Enum,
            RealValue =>
                type.SpecialType is SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal or SpecialType.System_Object,
            BoolValue => type.SpecialType is SpecialType.System_Boolean or SpecialType.System_Object,
            StringValue => type.SpecialType is SpecialType.System_String or SpecialType.System_Object,
            EnumValue e => type.TypeKind == TypeKind.Enum && type.Name == e.TypeName || type.SpecialType == SpecialType.System_Object,
            ListValue list => type is IArrayTypeSymbol array && list.Items.All(i => Accepts(array.ElementType, i))
                || type.SpecialType == SpecialType.System_Object
                || type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } generic
                    && generic.Name is "IEnumerable" or "IReadOnlyList" or "IList" or "IReadOnlyCollection" or "List"
                    && list.Items.All(i => Accepts(generic.TypeArguments[0], i)),
            _ => false,
        };
    }

    private static Value ConvertTo(Value value, ITypeSymbol? type) =>
        (value, type?.SpecialType) switch
        {
            (IntValue i, SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal) => new RealValue(i.Pin()),
            (ListValue list, _) when type is IArrayTypeSymbol array =>
                new ListValue(list.Items.Select(item => ConvertTo(item, array.ElementType)).ToList()),
            _ => value,
        };
}

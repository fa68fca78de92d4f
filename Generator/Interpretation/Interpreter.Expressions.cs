using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Interpretation;

internal sealed partial class Interpreter
{
    private Value Evaluate(IOperation operation, Frame frame)
    {
        CountStep(operation);
        if (operation.ConstantValue.HasValue) return FromConstant(operation.Type, operation.ConstantValue.Value, operation);

        switch (operation)
        {
            case ILocalReferenceOperation local:
                return frame.Variables.TryGetValue(local.Local, out var localValue)
                    ? localValue
                    : Unknown("the local is read before it is assigned", operation);
            case IParameterReferenceOperation parameter:
                return frame.Variables.TryGetValue(parameter.Parameter, out var parameterValue)
                    ? parameterValue
                    : Unknown($"parameter '{parameter.Parameter.Name}'", operation);
            case IInstanceReferenceOperation:
                return frame.Self is null ? Unknown("'this' outside a module", operation)
                    : plainObjects.Contains(frame.Self) ? new ObjectValue(frame.Self)
                    : new ModuleValue(frame.Self);
            case ISwitchExpressionOperation switchExpression:
                return SwitchExpression(switchExpression, frame);
            case IWithOperation with:
                return Evaluate(with.Operand, frame) is ObjectValue original
                    ? Initialize(CopyObject(original), with.Initializer, frame)
                    : Unknown("'with' on a value that is not a user record or struct", operation);
            case IFieldReferenceOperation field:
                return Semantics.ReadMember(ReadField(field, frame), operation);
            case IPropertyReferenceOperation property:
                return Semantics.ReadMember(ReadProperty(property, frame), operation);
            case IConversionOperation conversion:
                return Convert(Evaluate(conversion.Operand, frame), conversion.Type, conversion);
            case IParenthesizedOperation parenthesized:
                return Evaluate(parenthesized.Operand, frame);
            case IBinaryOperation binary:
                return Binary(binary, frame);
            case IUnaryOperation unary:
                return Unary(unary, Evaluate(unary.Operand, frame));
            case IConditionalOperation conditional:
                return Evaluate(conditional.Condition, frame) switch
                {
                    BoolValue { Flag: true } => Evaluate(conditional.WhenTrue, frame),
                    BoolValue { Flag: false } when conditional.WhenFalse is not null => Evaluate(conditional.WhenFalse, frame),
                    var other => Unknown($"the condition '{Shorten(conditional.Condition.Syntax)}' is not known at compile time",
                        conditional.Condition, other),
                };
            case ICoalesceOperation coalesce:
                return Evaluate(coalesce.Value, frame) switch
                {
                    NullValue => Evaluate(coalesce.WhenNull, frame),
                    var value => value,
                };
            case IConditionalAccessOperation access:
                var receiver = Evaluate(access.Operation, frame);
                if (receiver is NullValue or UnknownValue) return receiver;
                frame.ConditionalReceivers.Push(receiver);
                try { return Evaluate(access.WhenNotNull, frame); }
                finally { frame.ConditionalReceivers.Pop(); }
            case IConditionalAccessInstanceOperation:
                return frame.ConditionalReceivers.Count > 0 ? frame.ConditionalReceivers.Peek() : Unknown("a conditional access", operation);
            case IIsPatternOperation isPattern:
                return MatchPattern(Evaluate(isPattern.Value, frame), isPattern.Pattern, frame);
            case IArrayCreationOperation array:
                return CreateArray(array, frame);
            case ICollectionExpressionOperation collection:
                return CollectionExpression(collection, frame);
            case ITupleOperation tuple:
                return new TupleValue(tuple.Elements.Select(e => Evaluate(e, frame)).ToList());
            case IInterpolatedStringOperation interpolated:
                return Interpolate(interpolated, frame);
            case IArrayElementReferenceOperation element:
                return Index(Evaluate(element.ArrayReference, frame), element.Indices.Select(i => Evaluate(i, frame)).ToList(), operation);
            case IDefaultValueOperation defaultValue:
                return defaultValue.Type is null ? NullValue.Instance : DefaultOf(defaultValue.Type);
            case ISimpleAssignmentOperation assignment:
                var assigned = Evaluate(assignment.Value, frame);
                Assign(assignment.Target, assigned, frame);
                return assigned;
            case ICompoundAssignmentOperation compound:
                var combined = Arithmetic(compound.OperatorKind, Evaluate(compound.Target, frame), Evaluate(compound.Value, frame), compound);
                Assign(compound.Target, combined, frame);
                return combined;
            case IIncrementOrDecrementOperation increment:
                return IncrementOrDecrement(increment, frame);
            case IDeconstructionAssignmentOperation deconstruction:
                var tupleValue = Evaluate(deconstruction.Value, frame);
                Assign(deconstruction.Target, tupleValue, frame);
                return tupleValue;
            case IInvocationOperation invocation:
                return Invoke(invocation, frame);
            case IDelegateCreationOperation delegateCreation:
                return Evaluate(delegateCreation.Target, frame);
            case IAnonymousFunctionOperation function:
                return new LambdaValue(function, frame);
            case IMethodReferenceOperation reference:
                return new MethodGroupValue(reference.Method, reference.Instance is null ? null : Evaluate(reference.Instance, frame));
            case IObjectCreationOperation creation:
                return Create(creation, frame);
            case IRangeOperation range:
                return new RangeValue(range.LeftOperand is null ? null : Evaluate(range.LeftOperand, frame),
                    range.RightOperand is null ? null : Evaluate(range.RightOperand, frame));
            case IThrowOperation:
                frame.Self?.Unknowns.Add(new UnknownValue("the constructor throws here with these arguments", LocationInfo.From(operation.Syntax)));
                return Unknown("a throw expression", operation);
            default:
                return Unknown($"'{Shorten(operation.Syntax)}' ({operation.Kind}) is not supported", operation);
        }
    }

    private static UnknownValue Unknown(string reason, IOperation? at, Value? cause = null) =>
        cause as UnknownValue ?? new UnknownValue(reason, LocationInfo.From(at?.Syntax));

    private static Value FromConstant(ITypeSymbol? type, object? constant, IOperation? at)
    {
        if (constant is null) return NullValue.Instance;
        if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
        {
            var raw = System.Convert.ToInt64(constant, System.Globalization.CultureInfo.InvariantCulture);
            var member = enumType.GetMembers().OfType<IFieldSymbol>()
                .FirstOrDefault(f => f.HasConstantValue
                    && System.Convert.ToInt64(f.ConstantValue, System.Globalization.CultureInfo.InvariantCulture) == raw);
            return new EnumValue(enumType.Name, member?.Name, raw);
        }
        return constant switch
        {
            bool flag => BoolValue.Of(flag),
            string text => new StringValue(text),
            char character => new StringValue(character.ToString()),
            float or double or decimal => new RealValue(System.Convert.ToDouble(constant, System.Globalization.CultureInfo.InvariantCulture)),
            ulong big when big > long.MaxValue => Unknown($"{big} does not fit a long", at),
            sbyte or byte or short or ushort or int or uint or long or ulong =>
                new IntValue(System.Convert.ToInt64(constant, System.Globalization.CultureInfo.InvariantCulture)),
            _ => Unknown($"a constant of type {constant.GetType().Name}", at),
        };
    }

    private Value ReadField(IFieldReferenceOperation reference, Frame frame)
    {
        var field = reference.Field;
        if (Semantics.ReadStatic(field) is { } torchStatic) return torchStatic;
        if (field.IsStatic) return ReadStaticField(field, reference);
        var owner = reference.Instance is null ? Unknown("a field without an instance", reference) : Evaluate(reference.Instance, frame);
        return owner switch
        {
            TupleValue tuple when field.Name.StartsWith("Item", System.StringComparison.Ordinal)
                && int.TryParse(field.Name.Substring(4), out var item) && item >= 1 && item <= tuple.Items.Count => tuple.Items[item - 1],
            ModuleValue { Module: var module } when module.Fields.TryGetValue(field, out var value) => value,
            ModuleValue => Unknown($"field '{field.Name}' is read before it is assigned", reference),
            ObjectValue { Instance: var instance } when instance.Fields.TryGetValue(field, out var value) => value,
            ObjectValue => Unknown($"field '{field.Name}' is read before it is assigned", reference),
            UnknownValue unknown => unknown,
            _ => Unknown($"field '{field.Name}' of a value the analysis does not model", reference),
        };
    }

    private Value ReadStaticField(IFieldSymbol field, IOperation at)
    {
        if (staticFields.TryGetValue(field, out var cached)) return cached;
        var syntax = field.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken)
            as Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax;
        Value value;
        if (syntax?.Initializer is null || !field.IsReadOnly)
        {
            // Only static readonly fields with initializers are facts; mutable statics can change at run time.
            value = Unknown($"static field '{field.Name}' is not a readonly field with an initializer", at);
        }
        else
        {
            staticFields[field] = Unknown($"static field '{field.Name}' refers to itself", at);
            value = GetOperation(syntax.Initializer) is IFieldInitializerOperation initializer
                ? Evaluate(initializer.Value, new Frame(null))
                : Unknown($"cannot read the initializer of '{field.Name}'", at);
        }
        staticFields[field] = value;
        return value;
    }

    private Value ReadProperty(IPropertyReferenceOperation reference, Frame frame)
    {
        var property = reference.Property;
        var owner = reference.Instance is null ? null : Evaluate(reference.Instance, frame);
        if (owner is UnknownValue unknownOwner) return unknownOwner;

        if (Semantics.ReadStatic(property) is { } torchStatic) return torchStatic;
        if (property.IsIndexer)
        {
            return Index(owner ?? NullValue.Instance, reference.Arguments.Select(a => Evaluate(a.Value, frame)).ToList(), reference);
        }

        if (owner is not null && Semantics.ReadProperty(owner, property, reference) is { } torchProperty) return torchProperty;
        switch (owner)
        {
            case TupleValue tuple when property.Name.StartsWith("Item", System.StringComparison.Ordinal)
                && int.TryParse(property.Name.Substring(4), out var item) && item >= 1 && item <= tuple.Items.Count:
                return tuple.Items[item - 1];
            case ListValue list when property.Name is "Count" or "Length" or "LongLength":
                return new IntValue(list.Items.Count);
            case DictionaryValue table when property.Name == "Count":
                return new IntValue(table.Entries.Count);
            case DictionaryValue table when property.Name is "Keys" or "Values":
                return new ListValue(table.Entries.Values.Select(e => property.Name == "Keys" ? e.Key : e.Item).ToList());
            // A dictionary's entry, enumerated as a (key, value) pair.
            case TupleValue { Items.Count: 2 } entry when property.ContainingType?.Name == "KeyValuePair" && property.Name is "Key" or "Value":
                return entry.Items[property.Name == "Key" ? 0 : 1];
            case StringValue text when property.Name == "Length":
                return new IntValue(text.Text.Length);
            case ModuleValue { Module: var module } when module.UserType is not null && IsAutoProperty(property):
                return module.Fields.TryGetValue(property, out var value)
                    ? value
                    : Unknown($"property '{property.Name}' is read before it is assigned", reference);
            case ObjectValue instance:
                // The object's own type decides (an interface's or a base class's property it implements or overrides).
                property = Implementation(instance.Type, property) as IPropertySymbol ?? property;
                if (IsAutoProperty(property))
                {
                    return instance.Instance.Fields.TryGetValue(property, out var held)
                        ? held
                        : Unknown($"property '{property.Name}' is read before it is assigned", reference);
                }
                break;
        }

        if (property.DeclaringSyntaxReferences.Length > 0 && property.GetMethod is { } getter)
        {
            return CallSourceMethod(getter, owner, new Dictionary<IParameterSymbol, Value>(SymbolEqualityComparer.Default), reference, frame);
        }
        return Unknown($"property '{property.ContainingType?.Name}.{property.Name}' is not modeled", reference);
    }

    private void AssignProperty(IPropertyReferenceOperation property, Value value, Frame frame)
    {
        var owner = property.Instance is null ? null : Evaluate(property.Instance, frame);
        if (property.Property.IsIndexer)
        {
            SetIndex(owner ?? NullValue.Instance, property.Arguments.Select(a => Evaluate(a.Value, frame)).ToList(), value, frame, property);
            return;
        }
        if (owner is ModuleValue { Module: var module } && module.UserType is not null && IsAutoProperty(property.Property))
        {
            module.Fields[property.Property] = value;
            return;
        }
        if (owner is ObjectValue instance)
        {
            if (Implementation(instance.Type, property.Property) is IPropertySymbol own && IsAutoProperty(own)) instance.Instance.Fields[own] = value;
            else frame.Self?.Unknowns.Add(Unknown($"a write to property '{property.Property.Name}' with a setter body", property));
            return;
        }
        Semantics.AssignProperty(owner, property.Property, value, property, frame.Self);
    }

    private Value Index(Value collection, IReadOnlyList<Value> indices, IOperation at)
    {
        if (collection is UnknownValue) return collection;
        if (indices.FirstOrDefault(i => i is UnknownValue) is { } unknownIndex) return unknownIndex;
        if (Semantics.Index(collection, indices, at) is { } torchIndexed) return torchIndexed;
        switch (collection)
        {
            case DictionaryValue table when indices.Count == 1:
                return DictionaryValue.KeyOf(indices[0]) is { } key
                    ? table.Entries.TryGetValue(key, out var entry) ? entry.Item : Unknown($"key {indices[0].Describe()} is not in the table", at)
                    : Unknown($"a dictionary key the analysis does not model ({indices[0].Describe()})", at);
            case ListValue list when indices.Count == 1 && indices[0] is FromEndIndexValue fromEnd:
                return fromEnd.Offset >= 1 && fromEnd.Offset <= list.Items.Count
                    ? list.Items[list.Items.Count - (int)fromEnd.Offset]
                    : Unknown($"index ^{fromEnd.Offset} is outside the collection (length {list.Items.Count})", at);
            case ListValue list when indices.Count == 1 && indices[0] is IntValue index:
                return index.Pin() >= 0 && index.Pin() < list.Items.Count
                    ? list.Items[(int)index.Pin()]
                    : Unknown($"index {index.Pin()} is outside the collection (length {list.Items.Count})", at);
            case ListValue list when indices.Count == 2 && indices[0] is IntValue row && indices[1] is IntValue column:
                return Index(Index(list, new[] { row }, at), new[] { column }, at);
            default:
                return Unknown($"indexing {collection.Describe()} is not supported", at);
        }
    }

    private void SetIndex(Value collection, IReadOnlyList<Value> indices, Value value, Frame frame, IOperation at)
    {
        if (Semantics.SetIndex(collection, indices, value)) return;
        switch (collection)
        {
            case ListValue list when indices.Count == 1 && indices[0] is IntValue index && index.Pin() >= 0 && index.Pin() < list.Items.Count:
                list.Items[(int)index.Pin()] = value;
                return;
            case DictionaryValue table when indices.Count == 1 && DictionaryValue.KeyOf(indices[0]) is { } key:
                table.Entries[key] = (indices[0], value);
                return;
            case DictionaryValue table:
                var unplaced = Unknown("an entry written under a key the analysis does not model", at);
                foreach (var entryKey in table.Entries.Keys.ToList()) table.Entries[entryKey] = (table.Entries[entryKey].Key, unplaced);
                return;
            case ListValue list:
                // A write the analysis cannot place makes every element unknown.
                var unknown = Unknown("an element written at an unknown index", at, indices.FirstOrDefault(i => i is UnknownValue));
                for (var i = 0; i < list.Items.Count; i++) list.Items[i] = unknown;
                return;
            default:
                frame.Self?.Unknowns.Add(Unknown($"an indexed write to {collection.Describe()}", at));
                return;
        }
    }

    private Value Interpolate(IInterpolatedStringOperation interpolated, Frame frame)
    {
        var text = new System.Text.StringBuilder();
        foreach (var part in interpolated.Parts)
        {
            switch (part)
            {
                case IInterpolatedStringTextOperation literal:
                    text.Append(literal.Text.ConstantValue.Value as string);
                    break;
                case IInterpolationOperation hole when hole.Alignment is null && hole.FormatString is null:
                    var value = Evaluate(hole.Expression, frame);
                    if (ToText(value) is not { } piece) return Unknown("a string built from unknown parts", interpolated, value);
                    text.Append(piece);
                    break;
                default:
                    return Unknown("a formatted interpolation", interpolated);
            }
        }
        return new StringValue(text.ToString());
    }

    private static string? ToText(Value value) => value switch
    {
        StringValue s => s.Text,
        IntValue i => i.Pin().ToString(System.Globalization.CultureInfo.InvariantCulture),
        BoolValue b => b.Flag ? "True" : "False",
        EnumValue { MemberName: { } name } => name,
        NullValue => "",
        _ => null,
    };

    private Value CreateArray(IArrayCreationOperation array, Frame frame)
    {
        if (array.Initializer is not null) return new ListValue(array.Initializer.ElementValues.Select(e => Evaluate(e, frame)).ToList());
        if (array.DimensionSizes.Length == 1
            && Evaluate(array.DimensionSizes[0], frame) is IntValue length && length.Pin() is >= 0 and <= InterpreterLimits.MaxLoopIterations)
        {
            var elementType = ((IArrayTypeSymbol)array.Type!).ElementType;
            return new ListValue(Enumerable.Range(0, (int)length.Pin()).Select(_ => DefaultOf(elementType)).ToList());
        }
        return Unknown("an array whose size is not known", array);
    }

    private Value CollectionExpression(ICollectionExpressionOperation collection, Frame frame)
    {
        var items = new List<Value>();
        foreach (var element in collection.Elements)
        {
            if (element is ISpreadOperation spread)
            {
                if (Enumerate(Evaluate(spread.Operand, frame), spread) is ListValue spreadItems) items.AddRange(spreadItems.Items);
                else return Unknown("a spread of an unknown collection", spread);
            }
            else
            {
                items.Add(Evaluate(element, frame));
            }
        }
        return new ListValue(items);
    }

    /// <summary>The items a foreach would visit, as a list; or why they are unknown.</summary>
    private Value Enumerate(Value collection, IOperation? at) => collection switch
    {
        ListValue list => list,
        // Enumerating a dictionary gives its entries as (key, value) pairs, in insertion order.
        DictionaryValue table => new ListValue(table.Entries.Values.Select(e => (Value)new TupleValue(new[] { e.Key, e.Item })).ToList()),
        _ when Semantics.Enumerate(collection) is { } torchItems => torchItems,
        StringValue text => new ListValue(text.Text.Select(c => (Value)new StringValue(c.ToString())).ToList()),
        UnknownValue unknown => unknown,
        _ => Unknown($"a collection the analysis does not model ({collection.Describe()})", at),
    };

    /// <summary>The first arm whose pattern (and guard) matches; an unknown where one cannot be decided.</summary>
    private Value SwitchExpression(ISwitchExpressionOperation switchExpression, Frame frame)
    {
        var value = Evaluate(switchExpression.Value, frame);
        if (value is UnknownValue) return value;
        foreach (var arm in switchExpression.Arms)
        {
            switch (MatchPattern(value, arm.Pattern, frame))
            {
                case BoolValue { Flag: false }:
                    continue;
                case BoolValue when arm.Guard is null:
                    return Evaluate(arm.Value, frame);
                case BoolValue:
                    var guard = Evaluate(arm.Guard, frame);
                    if (guard is BoolValue { Flag: true }) return Evaluate(arm.Value, frame);
                    if (guard is BoolValue) continue;
                    return Unknown("a switch arm's guard the analysis cannot decide", arm, guard);
                case var undecided:
                    return undecided;
            }
        }
        return Unknown("no arm of the switch matches (it would throw)", switchExpression);
    }

    private Value MatchPattern(Value value, IPatternOperation pattern, Frame frame)
    {
        switch (pattern)
        {
            case IConstantPatternOperation constant:
                return ValuesEqual(value, Evaluate(constant.Value, frame)) is { } equal
                    ? BoolValue.Of(equal)
                    : Unknown("a pattern on an unknown value", pattern, value);
            case INegatedPatternOperation negated:
                return MatchPattern(value, negated.Pattern, frame) is BoolValue inner
                    ? BoolValue.Of(!inner.Flag)
                    : Unknown("a pattern on an unknown value", pattern, value);
            case ITypePatternOperation or IDeclarationPatternOperation when value is NullValue:
                return BoolValue.False;
            case IDiscardPatternOperation:
                return BoolValue.True;
            case IBinaryPatternOperation binary:
                var left = MatchPattern(value, binary.LeftPattern, frame);
                if (left is BoolValue { Flag: var leftFlag } && leftFlag == (binary.OperatorKind == BinaryOperatorKind.Or)) return left;
                return left is BoolValue ? MatchPattern(value, binary.RightPattern, frame) : left;
            case IRelationalPatternOperation relational when value is IntValue or RealValue
                && Evaluate(relational.Value, frame) is IntValue or RealValue:
                var (a, b) = (AsDouble(value), AsDouble(Evaluate(relational.Value, frame)));
                return BoolValue.Of(relational.OperatorKind switch
                {
                    BinaryOperatorKind.LessThan => a < b,
                    BinaryOperatorKind.LessThanOrEqual => a <= b,
                    BinaryOperatorKind.GreaterThan => a > b,
                    _ => a >= b,
                });
            default:
                return Unknown($"the pattern '{Shorten(pattern.Syntax)}' is not supported", pattern, value);
        }
    }
}

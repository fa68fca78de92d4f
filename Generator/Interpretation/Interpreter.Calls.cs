using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Interpretation;

internal sealed partial class Interpreter
{
    private Value Invoke(IInvocationOperation invocation, Frame frame)
    {
        var method = invocation.TargetMethod;
        var receiver = invocation.Instance is null ? null : Evaluate(invocation.Instance, frame);
        if (receiver is ObjectValue target && Implementation(target.Type, method) is IMethodSymbol own) method = own;
        if (method.MethodKind == MethodKind.DelegateInvoke) return InvokeDelegate(receiver, invocation, frame);
        var arguments = new CallArguments(invocation.Arguments, operation => Evaluate(operation, frame));
        if (Semantics.Invoke(invocation, receiver, arguments) is { } forwardResult) return forwardResult;

        if (method.MethodKind == MethodKind.LocalFunction || (IsInSource(method) && !method.IsAbstract && !method.IsPartialDefinition))
        {
            var bound = BindArguments(invocation.Arguments, frame);
            // An implementation's body names its own parameters, not the interface's or base's it was called through.
            if (!SymbolEqualityComparer.Default.Equals(method, invocation.TargetMethod))
                bound = bound.ToDictionary(p => method.Parameters[p.Key.Ordinal], p => p.Value,
                    (IEqualityComparer<IParameterSymbol>)SymbolEqualityComparer.Default);
            return CallSourceMethod(method, receiver, bound, invocation, frame);
        }
        if (Semantics.InvokeLibrary(invocation, receiver, arguments, frame.Self) is { } libraryResult) return libraryResult;
        return receiver switch
        {
            ListValue list => CallListMethod(list, invocation, frame),
            DictionaryValue table => CallDictionaryMethod(table, invocation, frame),
            _ => CallLibraryMethod(invocation, receiver, frame),
        };
    }

    /// <summary>A delegate called (<c>make(width)</c>, <c>activation.Invoke()</c>): a lambda or a method group in source.</summary>
    private Value InvokeDelegate(Value? target, IInvocationOperation invocation, Frame frame)
    {
        var values = invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(a => Evaluate(a.Value, frame)).ToList();
        switch (target)
        {
            case LambdaValue lambda when lambda.Function.Symbol.Parameters.Length == values.Count:
                return CallLambda(lambda, values, invocation);
            case MethodGroupValue group when IsInSource(group.Method) && !group.Method.IsAbstract
                && group.Method.Parameters.Length >= values.Count:
                var bound = DefaultArguments(group.Method, values);
                return CallSourceMethod(group.Method, group.Receiver, bound, invocation, frame);
            case UnknownValue unknown:
                return unknown;
            default:
                return Unknown($"a delegate call ({target?.Describe() ?? "null"}) the analysis does not follow", invocation);
        }
    }

    private Value CallSourceMethod(IMethodSymbol method, Value? receiver, IReadOnlyDictionary<IParameterSymbol, Value> arguments, IOperation? at,
        Frame caller)
    {
        var self = receiver is ModuleValue { Module.UserType: not null } module ? module.Module
            : receiver is ObjectValue instance ? instance.Instance
            : method.IsStatic || method.MethodKind == MethodKind.LocalFunction ? caller.Self
            : null;
        if (receiver is UnknownValue unknownReceiver) return unknownReceiver;

        IOperation? body = null;
        if (method.MethodKind == MethodKind.LocalFunction)
        {
            if (localFunctions.TryGetValue(method.OriginalDefinition, out var local)) body = local.Body;
        }
        else
        {
            var syntax = method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
            body = syntax switch
            {
                MethodDeclarationSyntax or AccessorDeclarationSyntax or ArrowExpressionClauseSyntax => GetOperation(syntax) switch
                {
                    IMethodBodyOperation m => (IOperation?)m.BlockBody ?? m.ExpressionBody,
                    IBlockOperation block => block,
                    var other => other,
                },
                _ => null,
            };
        }
        if (body is null) return Unknown($"the body of '{method.Name}' is not available", at);

        using var call = EnterCall(LocationInfo.From(at?.Syntax));
        if (call.Refused is { } refused) { caller.Self?.Unknowns.Add(refused); return refused; }

        var frame = new Frame(self);
        // Local functions see the enclosing method's locals.
        if (method.MethodKind == MethodKind.LocalFunction) foreach (var pair in caller.Variables) frame.Variables[pair.Key] = pair.Value;
        foreach (var pair in arguments) frame.Variables[pair.Key] = pair.Value;
        var unknownsBefore = self?.Unknowns.Count ?? 0;
        var completion = Execute(body, frame);
        // What an object's method could not follow leaves the caller's construction incomplete too.
        if (self is not null && plainObjects.Contains(self) && self != caller.Self)
            caller.Self?.Unknowns.AddRange(self.Unknowns.Skip(unknownsBefore));
        if (completion == Completion.Return) return frame.ReturnValue;
        return body is IBlockOperation ? NullValue.Instance : frame.ReturnValue;
    }

    private Value Create(IObjectCreationOperation creation, Frame frame)
    {
        var type = creation.Type as INamedTypeSymbol;
        if (type is null || creation.Constructor is null) return Unknown("an object of unknown type", creation);

        if (torch.IsUserModule(type))
        {
            if (type.IsAbstract) return Unknown($"'{type.Name}' is abstract", creation);
            return Construct(type, creation.Constructor, BindArguments(creation.Arguments, frame), LocationInfo.From(creation.Syntax));
        }
        if (IsInSource(type) && type.TypeKind is TypeKind.Class or TypeKind.Struct && !torch.IsModule(type))
        {
            if (type.IsAbstract) return Unknown($"'{type.Name}' is abstract", creation);
            var constructed = ConstructObject(type, creation.Constructor, BindArguments(creation.Arguments, frame),
                LocationInfo.From(creation.Syntax));
            return constructed is ObjectValue instance && creation.Initializer is { } members ? Initialize(instance, members, frame) : constructed;
        }
        if (Semantics.Create(creation, type, new CallArguments(creation.Arguments, operation => Evaluate(operation, frame))) is { } created)
        {
            return created;
        }
        if (IsCollectionType(type))
        {
            var list = new ListValue(new List<Value>());
            var source = creation.Arguments.FirstOrDefault(a => a.Parameter?.Type is INamedTypeSymbol { Name: "IEnumerable" });
            if (source is not null)
            {
                if (Enumerate(Evaluate(source.Value, frame), source) is ListValue items) list.Items.AddRange(items.Items);
                else return Unknown("a list copied from an unknown collection", creation);
            }
            if (creation.Initializer is { } initializer)
            {
                foreach (var element in initializer.Initializers)
                {
                    if (element is IInvocationOperation { TargetMethod.Name: "Add" } add && add.Arguments.Length == 1)
                        list.Items.Add(Evaluate(add.Arguments[0].Value, frame));
                    else return Unknown("a collection initializer the analysis does not model", element);
                }
            }
            return list;
        }
        if (type.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic" && type.Name == "Dictionary")
        {
            if (creation.Arguments.Length > 0) return Unknown("a dictionary built from another collection or a comparer", creation);
            var table = new DictionaryValue();
            foreach (var element in creation.Initializer?.Initializers ?? System.Collections.Immutable.ImmutableArray<IOperation>.Empty)
            {
                var added = element switch
                {
                    // { key, value }
                    IInvocationOperation { TargetMethod.Name: "Add", Arguments.Length: 2 } add =>
                        AddEntry(table, Evaluate(add.Arguments[0].Value, frame), Evaluate(add.Arguments[1].Value, frame)),
                    // [key] = value
                    ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1 } slot } set =>
                        AddEntry(table, Evaluate(slot.Arguments[0].Value, frame), Evaluate(set.Value, frame), replace: true),
                    _ => false,
                };
                if (!added) return Unknown("a dictionary initializer the analysis does not model", element);
            }
            return table;
        }
        if (type.IsTupleType)
        {
            return new TupleValue(creation.Arguments.Select(a => Evaluate(a.Value, frame)).ToList());
        }
        return Unknown($"'new {type.Name}(...)' is not modeled", creation);
    }

    /// <summary>Adds (or with <paramref name="replace"/> sets) an entry; false for a key that is not modeled or, added, already there.</summary>
    private static bool AddEntry(DictionaryValue table, Value key, Value item, bool replace = false)
    {
        if (DictionaryValue.KeyOf(key) is not { } identity || (!replace && table.Entries.ContainsKey(identity))) return false;
        table.Entries[identity] = (key, item);
        return true;
    }

    /// <summary>An object initializer's (or <c>with</c>'s) member assignments, into <paramref name="instance"/>.</summary>
    private Value Initialize(ObjectValue instance, IObjectOrCollectionInitializerOperation initializer, Frame frame)
    {
        foreach (var element in initializer.Initializers)
        {
            if (element is not ISimpleAssignmentOperation { Target: IMemberReferenceOperation { Member: var member } } assignment)
                return Unknown("an object initializer the analysis does not model", element);
            var value = Evaluate(assignment.Value, frame);
            member = Implementation(instance.Type, member);
            if (member is IFieldSymbol || (member is IPropertySymbol property && IsAutoProperty(property))) instance.Instance.Fields[member] = value;
            else return Unknown($"an initializer of '{member.Name}', a property with a setter body", element);
        }
        return instance;
    }

    /// <summary>
    /// The member an object's own type runs for one named through an interface or a base class (an options class behind
    /// <c>IOptions&lt;T&gt;.Value</c>, an override).
    /// </summary>
    private static ISymbol Implementation(INamedTypeSymbol type, ISymbol member)
    {
        if (member.ContainingType?.TypeKind == TypeKind.Interface) return type.FindImplementationForInterfaceMember(member) ?? member;
        if (!member.IsVirtual && !member.IsAbstract && !member.IsOverride) return member;
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var candidate in current.GetMembers(member.Name))
            {
                for (var overridden = candidate; overridden is not null; overridden = Overridden(overridden))
                {
                    if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, member.OriginalDefinition)) return candidate;
                }
            }
        }
        return member;
    }

    private static ISymbol? Overridden(ISymbol member) => member switch
    {
        IMethodSymbol method => method.OverriddenMethod,
        IPropertySymbol property => property.OverriddenProperty,
        _ => null,
    };

    private static bool IsCollectionType(INamedTypeSymbol type) =>
        type.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic" && type.Name is "List" or "Collection";

    /// <summary>Binds call arguments to the callee's parameters, defaults included (Roslyn did the matching).</summary>
    private Dictionary<IParameterSymbol, Value> BindArguments(IEnumerable<IArgumentOperation> arguments, Frame frame)
    {
        var bound = new Dictionary<IParameterSymbol, Value>(SymbolEqualityComparer.Default);
        foreach (var argument in arguments)
        {
            if (argument.Parameter is not null) bound[argument.Parameter] = Copied(Evaluate(argument.Value, frame));
        }
        return bound;
    }

    /// <summary>Positional arguments for a constructor (from the attribute), the rest from declared defaults.</summary>
    public Dictionary<IParameterSymbol, Value> DefaultArguments(IMethodSymbol method, IReadOnlyList<Value> positional)
    {
        var bound = new Dictionary<IParameterSymbol, Value>(SymbolEqualityComparer.Default);
        for (var i = 0; i < method.Parameters.Length; i++)
        {
            var parameter = method.Parameters[i];
            if (parameter.IsParams)
            {
                bound[parameter] = new ListValue(positional.Skip(i).ToList());
                break;
            }
            bound[parameter] = i < positional.Count
                ? positional[i]
                : parameter.HasExplicitDefaultValue
                    ? FromConstantOrDefault(parameter.Type, parameter.ExplicitDefaultValue)
                    : new UnknownValue($"constructor parameter '{parameter.Name}' has no value", null);
        }
        return bound;
    }

    private Value FromConstantOrDefault(ITypeSymbol type, object? constant) =>
        constant is null && type.IsValueType && type.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T
            ? DefaultOf(type)
            : FromConstant(type, constant, null);
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// Runs a module's constructor abstractly over Roslyn's IOperation tree, building the modules, parameters
/// and buffers TorchSharp would register. Values it cannot know become <see cref="UnknownValue"/>s.
/// </summary>
internal sealed partial class Interpreter(Compilation compilation, TorchSharpSymbols torch, CancellationToken cancellationToken)
{
    // Shared with Sibling()s: a SemanticModel caches what it has bound, and each construction re-reads the same code.
    private Dictionary<SyntaxTree, SemanticModel> semanticModels = new();
    private readonly Dictionary<IFieldSymbol, Value> staticFields = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, ILocalFunctionOperation> localFunctions = new(SymbolEqualityComparer.Default);
    private readonly List<INamedTypeSymbol> typesUnderConstruction = new();
    // The instances that are plain objects, not modules: 'this' in their code is an ObjectValue.
    private readonly HashSet<ModuleInstance> plainObjects = new();
    private long steps;
    private int callDepth;

    /// <summary>Operations evaluated so far (bounded by <see cref="InterpreterLimits.MaxSteps"/>).</summary>
    public long Steps => steps;

    /// <summary>A fresh interpreter (no static fields, steps or modules of this one) that reuses this one's bound code.</summary>
    public Interpreter Sibling() => new(compilation, torch, cancellationToken) { semanticModels = semanticModels };

    /// <summary>Runs a static parameterless factory method (<c>Factory = nameof(...)</c>) and returns what it builds.</summary>
    public Value RunFactory(IMethodSymbol factory) =>
        CallSourceMethod(factory, null, new Dictionary<IParameterSymbol, Value>(SymbolEqualityComparer.Default), null, new Frame(null));

    /// <summary>Builds a user module as <c>new T(arguments)</c> would.</summary>
    public Value Construct(INamedTypeSymbol type, IMethodSymbol constructor, IReadOnlyDictionary<IParameterSymbol, Value> arguments,
        LocationInfo? location) =>
        Build(type, constructor, arguments, location, plain: false) is { } module ? new ModuleValue(module)
            : new UnknownValue("the modules construct each other without end ("
                + string.Join(" holds ", typesUnderConstruction.Select(t => t.Name).Append(type.Name)) + ")", location);

    /// <summary>A new instance with its constructor run; null where the type is already being built too deep (runaway nesting).</summary>
    private ModuleInstance? Build(INamedTypeSymbol type, IMethodSymbol constructor, IReadOnlyDictionary<IParameterSymbol, Value> arguments,
        LocationInfo? location, bool plain)
    {
        if (typesUnderConstruction.Count(t => SymbolEqualityComparer.Default.Equals(t, type)) >= InterpreterLimits.MaxSameTypeNesting) return null;
        var instance = new ModuleInstance(type.Name, type, location);
        if (plain) plainObjects.Add(instance);
        InitializeFieldDefaults(instance, type);
        typesUnderConstruction.Add(type);
        try
        {
            RunConstructor(instance, constructor, arguments, location);
        }
        finally
        {
            typesUnderConstruction.RemoveAt(typesUnderConstruction.Count - 1);
        }
        return instance;
    }

    /// <summary>
    /// Builds an instance of a user class, record or struct that is not a module, as <c>new T(arguments)</c> would; an
    /// UnknownValue where any of its construction is not known (its fields could then be wrong, not just missing).
    /// </summary>
    private Value ConstructObject(INamedTypeSymbol type, IMethodSymbol constructor, IReadOnlyDictionary<IParameterSymbol, Value> arguments,
        LocationInfo? location)
    {
        if (Build(type, constructor, arguments, location, plain: true) is not { } instance)
            return new UnknownValue($"objects of '{type.Name}' construct each other without end", location);
        // A positional record's properties take its primary constructor's parameters.
        if (type.IsRecord)
        {
            foreach (var pair in arguments)
            {
                var property = type.GetMembers(pair.Key.Name).OfType<IPropertySymbol>()
                    .FirstOrDefault(p => p.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken) is ParameterSyntax));
                if (property is not null) instance.Fields[property] = pair.Value;
            }
        }
        return instance.Unknowns.Count > 0 ? instance.Unknowns[0] : new ObjectValue(instance);
    }

    /// <summary>A struct's value as an assignment or an argument copies it (a later write to the copy leaves it alone).</summary>
    private Value Copied(Value value) => value is ObjectValue { Type.IsValueType: true } instance ? CopyObject(instance) : value;

    /// <summary>A copy of an object (a record's <c>with</c>, a struct's assignment), fields and all.</summary>
    private ObjectValue CopyObject(ObjectValue source)
    {
        var copy = new ModuleInstance(source.Instance.Kind, source.Type, source.Instance.CreatedAt);
        plainObjects.Add(copy);
        foreach (var pair in source.Instance.Fields) copy.Fields[pair.Key] = pair.Value;
        return new ObjectValue(copy);
    }

    private void RunConstructor(ModuleInstance self, IMethodSymbol constructor, IReadOnlyDictionary<IParameterSymbol, Value> arguments,
        LocationInfo? location)
    {
        var type = constructor.ContainingType;
        if (!IsInSource(type)) return; // TorchSharp's own Module constructors register nothing.

        var frame = new Frame(self);
        foreach (var pair in arguments) frame.Variables[pair.Key] = pair.Value;

        using var call = EnterCall(location);
        if (call.Refused is { } refused) { self.Unknowns.Add(refused); return; }

        var syntax = constructor.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
        switch (syntax)
        {
            case ConstructorDeclarationSyntax declaration when GetOperation(declaration) is IConstructorBodyOperation body:
                RunConstructorBody(self, type, body, frame);
                break;
            case TypeDeclarationSyntax:
                // A primary constructor (or the implicit one): initializers see its parameters.
                RunFieldInitializers(self, type, frame);
                RunBaseConstructor(self, type, null, frame);
                break;
            case null when constructor.IsImplicitlyDeclared:
                RunFieldInitializers(self, type, frame);
                RunBaseConstructor(self, type, null, frame);
                break;
            default:
                self.Unknowns.Add(new UnknownValue($"the constructor of '{type.Name}' has no body to analyze", location));
                break;
        }
    }

    private void RunConstructorBody(ModuleInstance self, INamedTypeSymbol type, IConstructorBodyOperation body, Frame frame)
    {
        var initializer = (body.Initializer as IExpressionStatementOperation)?.Operation as IInvocationOperation
            ?? body.Initializer as IInvocationOperation;
        var chainsToThis = initializer is not null && SymbolEqualityComparer.Default.Equals(initializer.TargetMethod.ContainingType, type);
        if (chainsToThis)
        {
            // this(...) runs the other constructor, which runs the field initializers.
            RunConstructor(self, initializer!.TargetMethod, BindArguments(initializer.Arguments, frame), LocationInfo.From(initializer.Syntax));
        }
        else
        {
            RunFieldInitializers(self, type, frame);
            RunBaseConstructor(self, type, initializer, frame);
        }

        var code = (IOperation?)body.BlockBody ?? body.ExpressionBody;
        if (code is not null) Execute(code, frame);
    }

    private void RunBaseConstructor(ModuleInstance self, INamedTypeSymbol type, IInvocationOperation? initializer, Frame frame)
    {
        var baseType = type.BaseType;
        if (baseType is null || !IsInSource(baseType)) return;
        if (initializer is not null)
        {
            RunConstructor(self, initializer.TargetMethod, BindArguments(initializer.Arguments, frame), LocationInfo.From(initializer.Syntax));
            return;
        }
        var parameterless = baseType.InstanceConstructors.FirstOrDefault(c => c.Parameters.All(p => p.IsOptional || p.IsParams));
        if (parameterless is null)
        {
            self.Unknowns.Add(new UnknownValue($"cannot tell which constructor of '{baseType.Name}' runs",
                LocationInfo.From(type.Locations.FirstOrDefault() ?? Location.None)));
            return;
        }
        RunConstructor(self, parameterless, DefaultArguments(parameterless, Array.Empty<Value>()), null);
    }

    private void RunFieldInitializers(ModuleInstance self, INamedTypeSymbol type, Frame constructorFrame)
    {
        // Initializers see the primary constructor's parameters but no locals of a constructor body.
        var frame = new Frame(self);
        foreach (var pair in constructorFrame.Variables.Where(p => p.Key is IParameterSymbol)) frame.Variables[pair.Key] = pair.Value;

        foreach (var member in type.GetMembers())
        {
            if (member.IsStatic) continue;
            var initializer = member switch
            {
                IFieldSymbol field =>
                    (field.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) as VariableDeclaratorSyntax)?.Initializer,
                IPropertySymbol property =>
                    (property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) as PropertyDeclarationSyntax)?.Initializer,
                _ => null,
            };
            if (initializer is null) continue;
            var value = GetOperation(initializer) switch
            {
                IFieldInitializerOperation f => Evaluate(f.Value, frame),
                IPropertyInitializerOperation p => Evaluate(p.Value, frame),
                _ => new UnknownValue($"cannot read the initializer of '{member.Name}'", LocationInfo.From(initializer)),
            };
            self.Fields[member] = value;
        }
    }

    private void InitializeFieldDefaults(ModuleInstance module, INamedTypeSymbol type)
    {
        for (var current = type; current is not null && IsInSource(current); current = current.BaseType)
        {
            foreach (var member in current.GetMembers().Where(m => !m.IsStatic))
            {
                var memberType = member switch
                {
                    IFieldSymbol { AssociatedSymbol: null } f => f.Type,
                    IPropertySymbol p when IsAutoProperty(p) => p.Type,
                    _ => null,
                };
                if (memberType is not null) module.Fields[member] = DefaultOf(memberType);
            }
        }
    }

    internal static bool IsAutoProperty(IPropertySymbol property) =>
        !property.IsIndexer && property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() switch
        {
            PropertyDeclarationSyntax syntax => syntax.ExpressionBody is null
                && syntax.AccessorList is { } accessors && accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null),
            ParameterSyntax => true, // a positional record's property
            _ => false,
        };

    private static Value DefaultOf(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_Boolean => BoolValue.False,
        SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal => new RealValue(0),
        >= SpecialType.System_Char and <= SpecialType.System_UInt64 => new IntValue(0),
        _ when type.IsReferenceType || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T => NullValue.Instance,
        _ => new UnknownValue($"the default value of '{type.Name}'", null),
    };

    private static bool IsInSource(ISymbol symbol) => symbol.Locations.Any(l => l.IsInSource);

    /// <summary>The syntax trees whose code the analysis read (constructors, methods, initializers): what its result depends on.</summary>
    public IEnumerable<SyntaxTree> TouchedTrees => semanticModels.Keys;

    private IOperation? GetOperation(SyntaxNode node)
    {
        var tree = node.SyntaxTree;
        if (!compilation.ContainsSyntaxTree(tree)) return null;
        if (!semanticModels.TryGetValue(tree, out var model))
        {
            model = compilation.GetSemanticModel(tree);
            semanticModels[tree] = model;
        }
        return model.GetOperation(node, cancellationToken);
    }

    private void CountStep(IOperation at)
    {
        if (++steps > InterpreterLimits.MaxSteps)
        {
            throw new AnalysisLimitException(
                new UnknownValue($"the constructor runs more than {InterpreterLimits.MaxSteps:N0} steps", LocationInfo.From(at.Syntax)));
        }
        if ((steps & 0x3FF) == 0) cancellationToken.ThrowIfCancellationRequested();
    }

    private CallScope EnterCall(LocationInfo? location)
    {
        if (callDepth >= InterpreterLimits.MaxCallDepth)
        {
            return new CallScope(this, new UnknownValue($"calls nest deeper than {InterpreterLimits.MaxCallDepth}", location));
        }
        callDepth++;
        return new CallScope(this, null);
    }

    private readonly struct CallScope(Interpreter owner, UnknownValue? refused) : IDisposable
    {
        public UnknownValue? Refused { get; } = refused;

        public void Dispose()
        {
            if (Refused is null) owner.callDepth--;
        }
    }

    /// <summary>Locals and parameters of one running method or constructor.</summary>
    private sealed class Frame(ModuleInstance? self)
    {
        public ModuleInstance? Self { get; } = self;
        // By original definition: a generic class's code names its own parameters, its callers the constructed ones.
        public Dictionary<ISymbol, Value> Variables { get; } = new(OriginalDefinitionComparer.Instance);
        public Value ReturnValue { get; set; } = NullValue.Instance;
        public Stack<Value> ConditionalReceivers { get; } = new();
    }
}

/// <summary>Stops the whole analysis of a model when it exceeds <see cref="InterpreterLimits"/>.</summary>
internal sealed class AnalysisLimitException(UnknownValue unknown) : Exception(unknown.Reason)
{
    public UnknownValue Unknown { get; } = unknown;
}

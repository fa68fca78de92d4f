using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// A module as the interpreter builds it: a TorchSharp layer made by a factory, or a user module whose
/// constructor the interpreter ran. Mirrors what TorchSharp registers (parameters, buffers, children).
/// </summary>
internal sealed class ModuleInstance(string kind, INamedTypeSymbol? userType, LocationInfo? createdAt = null)
{
    /// <summary>Where the module was built: a shape error inside a Sequential points here.</summary>
    public LocationInfo? CreatedAt { get; } = createdAt;

    public string Kind { get; } = kind;

    /// <summary>The user's class, for modules whose constructor was interpreted; null for TorchSharp layers.</summary>
    public INamedTypeSymbol? UserType { get; } = userType;

    /// <summary>
    /// Field and auto-property values of a user module or object, keyed by the member's original definition: a generic
    /// class's own code names <c>Options&lt;T&gt;.Value</c>, its users <c>Options&lt;Config&gt;.Value</c>.
    /// </summary>
    public Dictionary<ISymbol, Value> Fields { get; } = new(OriginalDefinitionComparer.Instance);

    public List<KeyValuePair<string, TensorSlot>> Parameters { get; } = new();

    public List<KeyValuePair<string, TensorSlot>> Buffers { get; } = new();

    public List<KeyValuePair<string, ModuleInstance>> Children { get; } = new();

    /// <summary>Why this module's own registrations are not (all) known; empty when they are.</summary>
    public List<UnknownValue> Unknowns { get; } = new();

    public bool ComponentsRegistered { get; set; }

    /// <summary>The factory call that built this layer (TorchSharp layers only); forward rules read it.</summary>
    public Layers.LayerArgs? FactoryArguments { get; set; }

    public void AddChild(string name, ModuleInstance child) => Children.Add(new(name, child));

    public void AddParameter(string name, TensorSlot tensor) => Parameters.Add(new(name, tensor));

    public void AddBuffer(string name, TensorSlot tensor) => Buffers.Add(new(name, tensor));
}

/// <summary>Compares symbols by their original definitions.</summary>
internal sealed class OriginalDefinitionComparer : IEqualityComparer<ISymbol>
{
    public static readonly OriginalDefinitionComparer Instance = new();

    public bool Equals(ISymbol? x, ISymbol? y) => SymbolEqualityComparer.Default.Equals(x?.OriginalDefinition, y?.OriginalDefinition);

    public int GetHashCode(ISymbol obj) => SymbolEqualityComparer.Default.GetHashCode(obj.OriginalDefinition);
}

using System;
using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Parametric;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>Thrown by <see cref="LayerArgs"/> when a rule needs an argument the analysis does not know.</summary>
internal sealed class UnknownArgumentException(UnknownValue unknown) : Exception(unknown.Reason)
{
    public UnknownValue Unknown { get; } = unknown;
}

/// <summary>Thrown when a factory argument is known but TorchSharp would reject it (e.g. a negative size).</summary>
internal sealed class InvalidLayerArgumentException(string message) : Exception(message);

/// <summary>
/// A factory call's arguments by TorchSharp parameter name, defaults included (Roslyn binds them),
/// with typed accessors for the layer rules.
/// </summary>
internal sealed class LayerArgs(string factory, IReadOnlyList<KeyValuePair<string, Value>> arguments)
{
    public string Factory { get; } = factory;

    /// <summary>The arguments in the factory's parameter order.</summary>
    public IReadOnlyList<KeyValuePair<string, Value>> Ordered { get; } = arguments;

    public IReadOnlyDictionary<string, Value> Values { get; } = arguments.ToDictionary(a => a.Key, a => a.Value);

    /// <summary>The first argument, whatever the overload names it (containers take one collection).</summary>
    public Value First => Ordered.Count > 0 ? Ordered[0].Value : throw new InvalidLayerArgumentException($"{Factory} has no arguments");

    public bool Has(string name) => Values.ContainsKey(name);

    public Value Raw(string name) =>
        Values.TryGetValue(name, out var value) ? value : throw new InvalidLayerArgumentException($"{Factory} has no argument '{name}'");

    public long Long(string name) => AsLong(Known(name), name);

    /// <summary>A size that must be positive (features, channels, heads).</summary>
    public long Size(string name)
    {
        var size = Long(name);
        return size > 0 ? size : throw new InvalidLayerArgumentException($"{Factory}({name}: {size}): sizes must be positive");
    }

    /// <summary>A positive size with the polynomial it is in a parametric run (see <see cref="TrackedSize"/>).</summary>
    public TrackedSize TrackedSize(string name)
    {
        var size = Resolve(Known(name), name) is IntValue i
            ? i
            : throw new InvalidLayerArgumentException($"{Factory}({name}) is not an integer: {Known(name).Describe()}");
        if (size.Peek <= 0) return new TrackedSize(Size(name), null);
        if (size.Form is { } form) form.Guards.Add(new SizeGuard(form.Expression, GuardRelation.Positive));
        return new TrackedSize(size.Peek, size.Form);
    }

    /// <summary>A shape given as one size or a list of sizes, each with its polynomial (LayerNorm's normalized_shape).</summary>
    public TrackedSize[] TrackedShape(string name) => Known(name) switch
    {
        IntValue => new[] { TrackedSize(name) },
        ListValue or TupleValue => Shape(name).Select(d => (TrackedSize)d).ToArray(),
        var other => throw new InvalidLayerArgumentException($"{Factory}({name}) is not a shape: {other.Describe()}"),
    };

    public long? OptionalLong(string name) =>
        !Values.TryGetValue(name, out var value) || Known(name) is NullValue ? null : AsLong(value, name);

    /// <summary>A real number (a probability, an epsilon); an integer reads as one.</summary>
    public double Double(string name) => Known(name) switch
    {
        RealValue r => r.Number,
        IntValue i => i.Pin(),
        var other => throw new InvalidLayerArgumentException($"{Factory}({name}) is not a number: {other.Describe()}"),
    };

    public bool Bool(string name) => Known(name) switch
    {
        BoolValue b => b.Flag,
        var other => throw new InvalidLayerArgumentException($"{Factory}({name}) is not a bool: {other.Describe()}"),
    };

    /// <summary>A dtype argument: null where not given (the module's dtype).</summary>
    public ScalarType? DType(string name) => EnumMember(name) is not { } member ? null
        : ScalarTypes.Parse(member) ?? throw new InvalidLayerArgumentException($"{Factory}({name}) is not a ScalarType: {member}");

    public string? EnumMember(string name) => Known(name) switch
    {
        EnumValue e => e.MemberName,
        NullValue => null,
        var other => throw new InvalidLayerArgumentException($"{Factory}({name}) is not an enum value: {other.Describe()}"),
    };

    /// <summary>A per-dimension argument given as one long, a tuple or an array (kernel sizes).</summary>
    public long[] Dims(string name, int rank) => Known(name) switch
    {
        IntValue i => Enumerable.Repeat(i.Pin(), rank).ToArray(),
        TupleValue t => t.Items.Select(item => AsLong(Resolve(item, name), name)).ToArray(),
        ListValue l => l.Items.Select(item => AsLong(Resolve(item, name), name)).ToArray(),
        var other => throw new InvalidLayerArgumentException($"{Factory}({name}) is not a size: {other.Describe()}"),
    };

    /// <summary>
    /// As <see cref="Dims"/>, for a display (the report's Kernel column): reads the sizes without pinning a parametric one,
    /// and gives null where they are not all known integers.
    /// </summary>
    public long[]? PeekDims(string name, int rank) => (Values.TryGetValue(name, out var value) ? value : null) switch
    {
        IntValue i => Enumerable.Repeat(i.Peek, rank).ToArray(),
        TupleValue t when t.Items.All(item => item is IntValue) => t.Items.Select(item => ((IntValue)item).Peek).ToArray(),
        ListValue l when l.Items.All(item => item is IntValue) => l.Items.Select(item => ((IntValue)item).Peek).ToArray(),
        _ => null,
    };

    /// <summary>A shape given as one long or a long array (LayerNorm's normalized_shape).</summary>
    public long[] Shape(string name) => Known(name) switch
    {
        IntValue i => new[] { i.Pin() },
        ListValue l => l.Items.Select(item => AsLong(Resolve(item, name), name)).ToArray(),
        TupleValue t => t.Items.Select(item => AsLong(Resolve(item, name), name)).ToArray(),
        var other => throw new InvalidLayerArgumentException($"{Factory}({name}) is not a shape: {other.Describe()}"),
    };

    public ModuleInstance Module(string name) => Known(name) switch
    {
        ModuleValue m => m.Module,
        var other => throw new InvalidLayerArgumentException($"{Factory}({name}) is not a module: {other.Describe()}"),
    };

    private Value Known(string name) => Resolve(Raw(name), name);

    private static Value Resolve(Value value, string name) =>
        value is UnknownValue unknown ? throw new UnknownArgumentException(unknown) : value;

    private long AsLong(Value value, string name) => Resolve(value, name) switch
    {
        IntValue i => i.Pin(),
        var other => throw new InvalidLayerArgumentException($"{Factory}({name}) is not an integer: {other.Describe()}"),
    };
}

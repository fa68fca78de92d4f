using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// What the interpreter knows about a C# value while it runs a module's constructor. Anything it cannot
/// know is an <see cref="UnknownValue"/> that says why and where, so no count is ever built on a guess.
/// </summary>
internal abstract class Value
{
    public virtual string Describe() => GetType().Name;
}

internal sealed class IntValue(long number, Parametric.SizeForm? form = null) : Value
{
    /// <summary>
    /// The number, for a use that depends on its value (a loop bound, a comparison, a size C# code computes with): where it
    /// is a polynomial in the constructor's sizes, the run holds only at this value, so the polynomial is pinned to it.
    /// A method, not a property: reading it records a guard.
    /// </summary>
    public long Pin()
    {
        form?.Guards.Pin(form.Expression, number);
        return number;
    }

    /// <summary>The number, for the few uses that carry <see cref="Form"/> along instead of pinning it.</summary>
    public long Peek => number;

    /// <summary>Whether it equals <paramref name="value"/>; where it is a polynomial, the answer is a guard, not a pin.</summary>
    public bool EqualsConstant(long value)
    {
        var equal = number == value;
        return Parametric.SizeGuards.Record(form?.Guards, equal,
            () => Parametric.SizeGuard.Equality(Expression, Parametric.Polynomial.Constant(value), equal), () => Pin());
    }

    /// <summary>Whether it is at least <paramref name="value"/>, as a guard where it is a polynomial.</summary>
    public bool AtLeast(long value) => !new IntValue(value).Exceeds(this);

    /// <summary>Whether it is at most <paramref name="other"/>, as a guard where either is a polynomial.</summary>
    public bool AtMost(IntValue other) => !Exceeds(other);

    private bool Exceeds(IntValue other)
    {
        var greater = number > other.Peek;
        return Parametric.SizeGuards.Record((form ?? other.Form)?.Guards, greater,
            () => Parametric.SizeGuard.Comparison(other.Expression, Expression, less: greater), () => { Pin(); other.Pin(); });
    }

    private Parametric.Polynomial Expression => form?.Expression ?? Parametric.Polynomial.Constant(number);

    /// <summary>The polynomial in the constructor's sizes this number is, in a parametric run; null: a constant.</summary>
    public Parametric.SizeForm? Form => form;

    public override string Describe() => number.ToString(CultureInfo.InvariantCulture);
}

internal sealed class RealValue(double number) : Value
{
    public double Number { get; } = number;
    public override string Describe() => Number.ToString("R", CultureInfo.InvariantCulture);
}

internal sealed class BoolValue(bool flag) : Value
{
    public static readonly BoolValue True = new(true);
    public static readonly BoolValue False = new(false);
    public bool Flag { get; } = flag;
    public static BoolValue Of(bool flag) => flag ? True : False;
    public override string Describe() => Flag ? "true" : "false";
}

internal sealed class StringValue(string text) : Value
{
    public string Text { get; } = text;
    public override string Describe() => "\"" + Text + "\"";
}

/// <summary>
/// An instance of a user class, record or struct that is not a module (a configuration object, an options wrapper): its
/// fields in a <see cref="ModuleInstance"/> used as plain storage, which registration never sees.
/// </summary>
internal sealed class ObjectValue(ModuleInstance instance) : Value
{
    public ModuleInstance Instance { get; } = instance;

    public INamedTypeSymbol Type => Instance.UserType!;

    public override string Describe() => "a " + Type.Name;
}

internal sealed class NullValue : Value
{
    public static readonly NullValue Instance = new();
    private NullValue() { }
    public override string Describe() => "null";
}

/// <summary>An enum constant, e.g. <c>PaddingModes.Zeros</c> or <c>ScalarType.Float32</c>.</summary>
internal sealed class EnumValue(string typeName, string? memberName, long raw) : Value
{
    public string TypeName { get; } = typeName;
    public string? MemberName { get; } = memberName;
    public long Raw { get; } = raw;
    public override string Describe() => $"{TypeName}.{MemberName ?? Raw.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>Arrays and lists alike: a mutable sequence with reference identity, as in C#.</summary>
internal sealed class ListValue(List<Value> items) : Value
{
    public List<Value> Items { get; } = items;
    public override string Describe() => "[" + string.Join(", ", Items.Select(i => i.Describe())) + "]";
}

internal sealed class TupleValue(IReadOnlyList<Value> items) : Value
{
    public IReadOnlyList<Value> Items { get; } = items;
    public override string Describe() => "(" + string.Join(", ", Items.Select(i => i.Describe())) + ")";
}

internal sealed class ModuleValue(ModuleInstance module) : Value
{
    public ModuleInstance Module { get; } = module;
    public override string Describe() => Module.Kind;
}

internal sealed class TensorValue(TensorSlot tensor) : Value
{
    public TensorSlot Tensor { get; } = tensor;
    public override string Describe() => Tensor.IsParameter ? "Parameter" : "Tensor";
}

/// <summary>The parameters of a module as <c>parameters()</c> or <c>named_parameters()</c> would list them.</summary>
internal sealed class ParameterListValue(ModuleInstance owner, bool named) : Value
{
    public ModuleInstance Owner { get; } = owner;
    public bool Named { get; } = named;
}

/// <summary>A lambda, with the frame it captured; run when Select/ForEach-style helpers call it.</summary>
internal sealed class LambdaValue(Microsoft.CodeAnalysis.Operations.IAnonymousFunctionOperation function, object capturedFrame) : Value
{
    public Microsoft.CodeAnalysis.Operations.IAnonymousFunctionOperation Function { get; } = function;
    public object CapturedFrame { get; } = capturedFrame;
    public override string Describe() => "lambda";
}

/// <summary>
/// A <c>Dictionary</c> the code builds (a table of sizes per model name): entries in insertion order, keyed by
/// <see cref="KeyOf"/>; a key of another kind is not modeled.
/// </summary>
internal sealed class DictionaryValue : Value
{
    public Dictionary<string, (Value Key, Value Item)> Entries { get; } = new();

    /// <summary>A key's identity: strings, integers, flags and enum members; null for anything else.</summary>
    public static string? KeyOf(Value key) => key switch
    {
        StringValue text => "s:" + text.Text,
        IntValue number => "i:" + number.Pin().ToString(CultureInfo.InvariantCulture),
        BoolValue flag => "b:" + flag.Describe(),
        EnumValue { MemberName: not null } member => "e:" + member.TypeName + "." + member.MemberName,
        _ => null,
    };

    public override string Describe() => "a dictionary of " + Entries.Count;
}

/// <summary>A method group made a delegate (<c>MakeLayer(BasicBlock.Create, ...)</c>): the method, and its receiver if any.</summary>
internal sealed class MethodGroupValue(IMethodSymbol method, Value? receiver) : Value
{
    public IMethodSymbol Method { get; } = method;
    public Value? Receiver { get; } = receiver;
    public override string Describe() => Method.Name;
}

/// <summary><c>^n</c>: an index counted from the end.</summary>
internal sealed class FromEndIndexValue(long offset) : Value
{
    public long Offset { get; } = offset;
    public override string Describe() => "^" + Offset.ToString(CultureInfo.InvariantCulture);
}

/// <summary><c>a..b</c>: a range of indices; a missing bound is null (C#: from the start, to the end).</summary>
internal sealed class RangeValue(Value? start, Value? end) : Value
{
    public Value? Start { get; } = start;
    public Value? End { get; } = end;
    public override string Describe() => $"{Start?.Describe()}..{End?.Describe()}";
}

/// <summary>A value the analysis cannot know, with the reason and the place that made it unknowable.</summary>
internal sealed class UnknownValue(string reason, LocationInfo? location) : Value
{
    public string Reason { get; } = reason;
    public LocationInfo? Location { get; } = location;
    public override string Describe() => "unknown (" + Reason + ")";
}

using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Parsing;

/// <summary>
/// The profiled model's forward arguments, one per parameter of its TorchSharp base Module&lt;T1, …, TResult&gt;: a
/// declared tensor input (position 0 is [MemoryProfile]'s), or a constant from ForwardArguments or forward's default.
/// The runtime's harness binds them the same way (Runtime/Harness/ModelCall.cs).
/// </summary>
internal sealed class ForwardBinding
{
    private ForwardBinding(IReadOnlyList<InputSpec?> tensors, IReadOnlyList<Value?> constants, int lossOutput)
    {
        Tensors = tensors;
        Constants = constants;
        LossOutput = lossOutput;
    }

    /// <summary>The sequence length as a polynomial, for a pass that follows it (<see cref="WithSequence"/>); else null.</summary>
    public Parametric.SizeForm? Sequence { get; private init; }

    /// <summary>The sequence length the pass runs at (with <see cref="Sequence"/>).</summary>
    public long SequenceLength { get; private init; }

    /// <summary>The same arguments with every input's sequence dimensions <paramref name="length"/> long, as <paramref name="form"/>.</summary>
    public ForwardBinding WithSequence(Parametric.SizeForm form, long length) =>
        new(Tensors, Constants, LossOutput) { Sequence = form, SequenceLength = length, ParameterNames = ParameterNames };

    /// <summary>forward's parameter names by position, where known (the Notes name an input by them).</summary>
    public IReadOnlyList<string> ParameterNames { get; private init; } = System.Array.Empty<string>();

    /// <summary>Which result of a tuple-returning forward the loss takes.</summary>
    public int LossOutput { get; }

    /// <summary>By position: the tensor input there, or null.</summary>
    public IReadOnlyList<InputSpec?> Tensors { get; }

    /// <summary>By position: the constant there, or null at a tensor input.</summary>
    public IReadOnlyList<Value?> Constants { get; }

    /// <summary>A model of one tensor argument: the profile's input alone.</summary>
    private static ForwardBinding Single(ProfileSettings settings) =>
        new(new InputSpec?[] { settings.Inputs.First() }, new Value?[] { null }, settings.LossOutput);

    /// <summary>Tensors of fixed shapes, in order: a constructor's forward on a dummy input to learn a size.</summary>
    public static ForwardBinding Fixed(IReadOnlyList<(long[] Shape, Shapes.ScalarType DType)> tensors) =>
        new(tensors.Select((t, i) => (InputSpec?)new InputSpec(i, t.Shape.ToEquatableArray(), t.DType) { Batched = false }).ToList(),
            tensors.Select(_ => (Value?)null).ToList(), 0);

    /// <summary>The binding, or null with what does not fit (said in TBG005).</summary>
    public static ForwardBinding? Bind(INamedTypeSymbol type, TorchSharpSymbols torch, ProfileSettings settings, IReadOnlyList<Value> given,
        out string? problem)
    {
        problem = null;
        var types = GenericBase(type, torch);
        if (types is null)
        {
            if (settings.FurtherInputs.Count == 0 && given.Count == 0) return Single(settings);
            problem = "further inputs and ForwardArguments need a model deriving from torch.nn.Module<T1, …, TResult>";
            return null;
        }
        var arity = types.Count - 1;
        var forward = Forward(type, arity);
        string Name(int position) => forward is null ? "" : $" '{forward.Parameters[position].Name}'";
        if (settings.FurtherInputs.FirstOrDefault(i => i.Position >= arity) is { } beyond)
            problem = $"[MemoryInput] position {beyond.Position} is beyond forward's {arity} parameter(s)";
        else if (given.Count > arity)
            problem = $"ForwardArguments has {given.Count} values but forward takes {arity} argument(s)";
        if (problem is not null) return null;

        var tensors = new InputSpec?[arity];
        var constants = new Value?[arity];
        for (var position = 0; position < arity; position++)
        {
            var isTensor = torch.IsTensor(types[position]);
            var declared = settings.Inputs.FirstOrDefault(i => i.Position == position);
            var value = position < given.Count && given[position] is not NullValue ? given[position] : null;
            var fallback = forward?.Parameters[position] is { HasExplicitDefaultValue: true } parameter ? Default(parameter) : null;
            if (declared is not null && !isTensor)
                problem = $"[MemoryInput] position {position}: forward's parameter{Name(position)} is a "
                    + $"{types[position].ToDisplayString()}, not a Tensor";
            else if (isTensor && value is not null)
                problem = $"ForwardArguments gives a value at position {position}, a Tensor parameter: declare it with [MemoryInput]";
            else if (declared is not null) tensors[position] = declared;
            else if ((constants[position] = value ?? fallback) is null)
                problem = isTensor
                    ? $"forward's parameter{Name(position)} (position {position}) is a Tensor: declare it with [MemoryInput({position}, ...)]"
                    : $"forward's parameter{Name(position)} (position {position}) has no default: give it in ForwardArguments";
            if (problem is not null) return null;
        }
        return new ForwardBinding(tensors, constants, settings.LossOutput)
        {
            ParameterNames = forward?.Parameters.Select(p => p.Name).ToList() ?? (IReadOnlyList<string>)System.Array.Empty<string>(),
        };
    }

    /// <summary>The type arguments of the TorchSharp Module&lt;…&gt; the type derives from.</summary>
    private static IReadOnlyList<ITypeSymbol>? GenericBase(INamedTypeSymbol type, TorchSharpSymbols torch)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.IsGenericType && current.Name == "Module" && SymbolEqualityComparer.Default.Equals(current.ContainingType, torch.Nn))
                return current.TypeArguments;
        }
        return null;
    }

    private static IMethodSymbol? Forward(INamedTypeSymbol type, int arity)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (current.GetMembers("forward").OfType<IMethodSymbol>().FirstOrDefault(m => m.Parameters.Length == arity) is { } forward)
                return forward;
        }
        return null;
    }

    private static Value Default(IParameterSymbol parameter)
    {
        var value = parameter.ExplicitDefaultValue;
        if (parameter.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType && value is not null)
        {
            var member = enumType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value));
            return new EnumValue(enumType.Name, member?.Name, System.Convert.ToInt64(value, CultureInfo.InvariantCulture));
        }
        return value switch
        {
            null => NullValue.Instance,
            bool flag => BoolValue.Of(flag),
            string text => new StringValue(text),
            float or double or decimal => new RealValue(System.Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            ulong big when big > long.MaxValue => new UnknownValue($"{big} does not fit a long", null),
            _ => new IntValue(System.Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        };
    }
}

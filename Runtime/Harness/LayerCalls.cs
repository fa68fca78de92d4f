using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchBudget.Harness;

/// <summary>
/// Hooks and calls layers of any arity (Module&lt;T1, …, TResult&gt;: Linear, GRU, Bilinear, MultiheadAttention) by
/// reflection on TorchSharp's generic base, and reads the shapes of what they return (a tensor or a tuple).
/// </summary>
internal static class LayerCalls
{
    /// <summary>Registers a forward hook that hands each output to <paramref name="seen"/>; returns its remover, or null.</summary>
    public static Action? Hook(nn.Module module, Action<object?> seen)
    {
        if (GenericBase(module.GetType()) is not { } arguments || arguments.Length > HookFactories.Length + 1) return null;
        var register = module.GetType().GetMethods()
            .FirstOrDefault(m => m.Name == "register_forward_hook" && m.GetParameters() is [{ ParameterType.Name: var name }]
                && name.StartsWith("Func", StringComparison.Ordinal));
        if (register is null) return null;
        var hook = HookFactories[arguments.Length - 2].MakeGenericMethod(arguments).Invoke(null, new object[] { seen });
        var remover = register.Invoke(module, new[] { hook });
        var remove = remover?.GetType().GetMethod("remove", Type.EmptyTypes);
        return remove is null ? null : () => remove.Invoke(remover, null);
    }

    /// <summary>
    /// Calls <paramref name="module"/> through <c>call()</c> with these arguments (tensors, nulls, flags); parameters
    /// past them take their defaults. Throws what the layer throws; <see cref="MissingMethodException"/> where no
    /// overload takes them.
    /// </summary>
    public static object? Call(nn.Module module, IReadOnlyList<object?> arguments)
    {
        var call = module.GetType().GetMethods()
            .Where(m => m.Name == "call" && Accepts(m.GetParameters(), arguments))
            .OrderBy(m => m.GetParameters().Length)
            .FirstOrDefault()
            ?? throw new MissingMethodException($"no call() overload of {module.GetType().Name} takes {arguments.Count} such argument(s)");
        var parameters = call.GetParameters();
        var values = parameters.Select((p, i) => i < arguments.Count ? arguments[i] : p.DefaultValue).ToArray();
        try
        {
            return call.Invoke(module, values);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    /// <summary>
    /// The shapes of a layer's result: one for a tensor, one per tensor of a tuple (nulls left out, and the empty handles
    /// native modules return for them: MultiheadAttention's weights when need_weights is false).
    /// </summary>
    public static IReadOnlyList<long[]> Shapes(object? output) => output switch
    {
        Tensor { IsInvalid: true } => Array.Empty<long[]>(),
        Tensor tensor => new[] { tensor.shape },
        ITuple tuple => Enumerable.Range(0, tuple.Length).SelectMany(i => Shapes(tuple[i])).ToList(),
        _ => Array.Empty<long[]>(),
    };

    /// <summary>
    /// The report's arguments at a batch size as zeros on <paramref name="device"/> (tensors), nulls and flags; null
    /// where the text is not such a list. Tensors made here belong to the caller's DisposeScope.
    /// </summary>
    public static IReadOnlyList<object?>? Arguments(string? shapes, string? elementTypes, long batchSize, Device device)
    {
        if (shapes is null || elementTypes is null) return null;
        var shapeItems = Items(shapes);
        var typeItems = Items(elementTypes);
        if (shapeItems.Count != typeItems.Count) return null;
        var arguments = new List<object?>();
        for (var i = 0; i < shapeItems.Count; i++)
        {
            switch (shapeItems[i])
            {
                case "null": arguments.Add(null); break;
                case "true": arguments.Add(true); break;
                case "false": arguments.Add(false); break;
                default:
                    if (ShapeText.At(shapeItems[i], batchSize) is not [var shape] || !Enum.TryParse<ScalarType>(typeItems[i], out var type))
                        return null;
                    arguments.Add(zeros(shape, type, device));
                    break;
            }
        }
        return arguments;
    }

    /// <summary>The arguments as the report writes them, for messages.</summary>
    public static string Describe(IReadOnlyList<object?> arguments) => string.Join(", ", arguments.Select(a => a switch
    {
        Tensor t => ShapeText.Format(t.shape) + " " + t.dtype,
        bool flag => flag ? "true" : "false",
        null => "null",
        _ => Convert.ToString(a, CultureInfo.InvariantCulture),
    }));

    private static bool Accepts(ParameterInfo[] parameters, IReadOnlyList<object?> arguments) =>
        parameters.Length >= arguments.Count
        && parameters.Skip(arguments.Count).All(p => p.IsOptional)
        && arguments.Select((a, i) => a is null
            ? !parameters[i].ParameterType.IsValueType || Nullable.GetUnderlyingType(parameters[i].ParameterType) is not null
            : parameters[i].ParameterType.IsInstanceOfType(a)).All(ok => ok);

    // "[B, 8]" is one item; "([B, 8], null, true)" three. Commas inside brackets are not separators.
    private static List<string> Items(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith("(", StringComparison.Ordinal)) return new List<string> { trimmed };
        var items = new List<string>();
        var depth = 0;
        var start = 1;
        for (var i = 1; i < trimmed.Length - 1; i++)
        {
            if (trimmed[i] == '[') depth++;
            else if (trimmed[i] == ']') depth--;
            else if (trimmed[i] == ',' && depth == 0)
            {
                items.Add(trimmed.Substring(start, i - start).Trim());
                start = i + 1;
            }
        }
        items.Add(trimmed.Substring(start, trimmed.Length - 1 - start).Trim());
        return items;
    }

    /// <summary>The type arguments of TorchSharp's Module&lt;T1, …, TResult&gt; a module derives from; null for none.</summary>
    public static Type[]? GenericBase(Type? type)
    {
        for (; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition().DeclaringType == typeof(nn)
                && type.Name.StartsWith("Module`", StringComparison.Ordinal))
                return type.GetGenericArguments();
        }
        return null;
    }

    // One factory per arity: TorchSharp's hook is Func<module, inputs..., output, output>.
    private static readonly MethodInfo[] HookFactories =
        new[] { nameof(Hook1), nameof(Hook2), nameof(Hook3), nameof(Hook4), nameof(Hook5), nameof(Hook6) }
        .Select(name => typeof(LayerCalls).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!)
        .ToArray();

    private static Func<nn.Module<T1, TR>, T1, TR, TR> Hook1<T1, TR>(Action<object?> seen) =>
        (_, _, output) => { seen(output); return output; };

    private static Func<nn.Module<T1, T2, TR>, T1, T2, TR, TR> Hook2<T1, T2, TR>(Action<object?> seen) =>
        (_, _, _, output) => { seen(output); return output; };

    private static Func<nn.Module<T1, T2, T3, TR>, T1, T2, T3, TR, TR> Hook3<T1, T2, T3, TR>(Action<object?> seen) =>
        (_, _, _, _, output) => { seen(output); return output; };

    private static Func<nn.Module<T1, T2, T3, T4, TR>, T1, T2, T3, T4, TR, TR> Hook4<T1, T2, T3, T4, TR>(Action<object?> seen) =>
        (_, _, _, _, _, output) => { seen(output); return output; };

    private static Func<nn.Module<T1, T2, T3, T4, T5, TR>, T1, T2, T3, T4, T5, TR, TR> Hook5<T1, T2, T3, T4, T5, TR>(Action<object?> seen) =>
        (_, _, _, _, _, _, output) => { seen(output); return output; };

    private static Func<nn.Module<T1, T2, T3, T4, T5, T6, TR>, T1, T2, T3, T4, T5, T6, TR, TR> Hook6<T1, T2, T3, T4, T5, T6, TR>(
        Action<object?> seen) =>
        (_, _, _, _, _, _, _, output) => { seen(output); return output; };
}

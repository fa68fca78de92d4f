using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchBudget.Harness;

/// <summary>
/// How the harness calls a profiled model's forward, whatever its arity (Module&lt;Tensor, Tensor&gt;, tokens and a
/// mask, an input and a flag): each tensor the report declares is built at the batch size, every other argument is the
/// report's ForwardArguments value or forward's declared default.
/// </summary>
internal sealed class ModelCall
{
    private readonly nn.Module model;
    private readonly MethodInfo forward;
    private readonly MemoryReport report;
    private readonly IReadOnlyList<ForwardInput> inputs;

    private ModelCall(nn.Module model, MethodInfo forward, MemoryReport report)
    {
        this.model = model;
        this.forward = forward;
        this.report = report;
        inputs = report.Inputs;
    }

    /// <exception cref="ArgumentException">The module is not a Module&lt;…, Tensor&gt; whose forward the report describes.</exception>
    public static ModelCall For(nn.Module model, MemoryReport report)
    {
        var types = LayerCalls.GenericBase(model.GetType())
            ?? throw new ArgumentException($"{model.GetType().Name} does not derive from torch.nn.Module<..., Tensor>", nameof(model));
        var parameterTypes = types.Take(types.Length - 1).ToArray();
        var forward = model.GetType().GetMethod("forward", BindingFlags.Public | BindingFlags.Instance, null, parameterTypes, null)
            ?? throw new ArgumentException($"{model.GetType().Name} has no forward taking {parameterTypes.Length} argument(s)", nameof(model));
        foreach (var input in report.Inputs.Where(i => i.Position >= parameterTypes.Length || parameterTypes[i.Position] != typeof(Tensor)))
        {
            throw new ArgumentException($"the report's input at position {input.Position} is not a Tensor parameter of "
                + $"{model.GetType().Name}.forward", nameof(report));
        }
        return new ModelCall(model, forward, report);
    }

    /// <summary>The module itself.</summary>
    public nn.Module Module => model;

    /// <summary>Every tensor the report declares, [batch, ...shape] each, on <paramref name="device"/>, by position.</summary>
    public IReadOnlyList<Tensor> Inputs(Device device, long batchSize) =>
        this.inputs.Select(i => Synthetic(i, device, batchSize)).ToList();

    /// <summary>
    /// forward on <paramref name="tensors"/> (as <see cref="Inputs"/> built them): its tensor, or of a tuple the report's
    /// LossOutput (the other results stay alive, as in a real step, until the caller's DisposeScope ends). Throws what
    /// forward throws.
    /// </summary>
    public Tensor Forward(IReadOnlyList<Tensor> tensors)
    {
        var parameters = forward.GetParameters();
        var values = new object?[parameters.Length];
        for (var position = 0; position < parameters.Length; position++) values[position] = Argument(parameters[position], position, tensors);
        object? result;
        try
        {
            result = forward.Invoke(model, values);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
        return result switch
        {
            Tensor tensor => tensor,
            System.Runtime.CompilerServices.ITuple tuple when report.LossOutput < tuple.Length && tuple[report.LossOutput] is Tensor chosen => chosen,
            _ => throw new InvalidOperationException($"{model.GetType().Name}.forward returned no tensor at LossOutput {report.LossOutput}"),
        };
    }

    private object? Argument(ParameterInfo parameter, int position, IReadOnlyList<Tensor> tensors)
    {
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i].Position == position) return tensors[i];
        }
        if (position < report.ForwardArguments.Count && report.ForwardArguments[position] is { } given)
        {
            var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            return type.IsInstanceOfType(given) ? given : Convert.ChangeType(given, type, CultureInfo.InvariantCulture);
        }
        if (parameter.HasDefaultValue) return parameter.DefaultValue;
        throw new InvalidOperationException($"{model.GetType().Name}.forward's parameter '{parameter.Name}' (position {position}) has no "
            + "value: declare it with [MemoryInput] (a tensor) or give it in [MemoryProfile]'s ForwardArguments");
    }

    /// <summary>
    /// Synthetic data of one input's shape and type. The values do not change what is allocated, as long as training stays
    /// finite: MultiheadAttention compares query and key by value to choose its in-projection, and NaN is not equal to
    /// itself. A Bool input is all False: a padding mask that pads nothing (all True would mask every key, and softmax over
    /// no key is NaN).
    /// </summary>
    private static Tensor Synthetic(ForwardInput input, Device device, long batchSize)
    {
        var shape = new[] { batchSize }.Concat(input.Shape).ToArray();
        return input.DType switch
        {
            // Token ids 0 and 1 are valid for any embedding.
            ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte =>
                torch.randint(0, 2, shape, dtype: input.DType, device: device),
            ScalarType.Bool => torch.zeros(shape, dtype: ScalarType.Bool, device: device),
            _ => torch.randn(shape, dtype: input.DType, device: device),
        };
    }
}

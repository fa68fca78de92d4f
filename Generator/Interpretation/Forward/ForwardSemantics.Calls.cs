using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Ops;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Interpretation;

/// <summary>Calls in forward: module calls, functional.* layers, and tensor ops in their call forms (<see cref="TensorOpForms"/>).</summary>
internal sealed partial class ForwardSemantics
{
    /// <summary>Returns null when the call is not a tensor operation of the forward pass.</summary>
    public override Value? Invoke(IInvocationOperation invocation, Value? receiver, CallArguments arguments)
    {
        var method = invocation.TargetMethod;
        var at = LocationInfo.From(invocation.Syntax);
        if (receiver is ModuleValue module && method.Name is "forward" or "call")
        {
            return ApplyModule(module.Module, arguments.ByName().Select(a => a.Value).ToList(), at);
        }
        var containing = method.ContainingType;
        if (receiver is ActivationTensor tensor) return RunMethod(method.Name, tensor, arguments.ByName(), at);
        if (SymbolEqualityComparer.Default.Equals(containing, Torch.Functional) && LayerRules.FindFunctional(method.Name) is { } layerRule)
        {
            return RunFunctionalLayer(layerRule, method, arguments.ByName(), at);
        }
        if (SymbolEqualityComparer.Default.Equals(containing, Torch.Torch) && invocation.Arguments.Length > 0
            && TorchFunction(method, arguments.ByName(), at) is { } result)
        {
            return result;
        }
        if (containing?.SpecialType == SpecialType.None && Torch.IsTensor(method.ReturnType) && !method.Locations.Any(l => l.IsInSource)
            && (SymbolEqualityComparer.Default.Equals(containing, Torch.Functional)
                || SymbolEqualityComparer.Default.Equals(containing, Torch.Torch)))
        {
            return Record(new UnknownValue($"{containing.Name}.{method.Name} is not modeled in forward yet", at));
        }
        return null;
    }

    /// <summary>torch.name(args): the op's record in its function form, or the method's with the first tensor as self.</summary>
    private Value? TorchFunction(IMethodSymbol method, List<KeyValuePair<string, Value>> args, LocationInfo? at)
    {
        if (FirstLost(args) is { } lostArgument) return lostArgument;
        if (TensorOps.Find(method.Name, TensorOpForms.TorchFunction) is { Forward: { } function })
        {
            return Guarded(method.Name, () => function(new TensorOpCall(this, method.Name, null, NewOp(method.Name, [], at), at)
            {
                Method = method, Args = args,
            }), at, Array.Empty<Value>());
        }
        return args.Count > 0 && args[0].Value is ActivationTensor self ? RunMethod(method.Name, self, args.Skip(1).ToList(), at) : null;
    }

    /// <summary>The tensors constructor ops made, as this pass holds them (their layouts and storages), by the constructor's slot.</summary>
    private readonly Dictionary<TensorSlot, ActivationTensor> constantOrigins = new();

    /// <summary>
    /// A constructor's tensor op (<see cref="ISemanticsHost.ConstructorOp"/>): its tensors as this pass made them, or as
    /// resident ones of their fixed shapes, the op's rule run on them, and what it returns as the constructor's tensors. A
    /// slice or an expansion of another storage is marked (<see cref="TensorSlot.SharesOtherStorage"/>).
    /// </summary>
    public Value RunOnConstants(IMethodSymbol? method, BinaryOperatorKind? operatorKind, Value? self,
        List<KeyValuePair<string, Value>> args, LocationInfo? at)
    {
        var lifted = args.Select(a => new KeyValuePair<string, Value>(a.Key, Lift(a.Value, at))).ToList();
        var receiver = self is null ? null : Lift(self, at);
        if (FirstLost(lifted) is { } lost) return lost;
        if (receiver is UnknownValue unknownReceiver) return unknownReceiver;
        var result = (operatorKind, receiver, method) switch
        {
            ({ } kind, _, _) when lifted.Count == 2 => TensorArithmetic(kind, lifted[0].Value, lifted[1].Value, at),
            (null, ActivationTensor tensor, { } called) => RunMethod(called.Name, tensor, lifted, at),
            (null, null, { } function) => TorchFunction(function, lifted, at),
            _ => null,
        };
        return result is null ? new UnknownValue($"'{method?.Name ?? operatorKind.ToString()}' on a constructor's tensors is not modeled", at)
            : Lower(result, at);
    }

    private Value Lift(Value value, LocationInfo? at) => value switch
    {
        TensorValue { Tensor: var slot } when constantOrigins.TryGetValue(slot, out var made) => made,
        TensorValue { Tensor: var slot } => slot.PinShape() is { } shape
            ? Trace.Allocate(new TensorShape(shape.Select(Dim.Of)), slot.ElementType ?? ScalarType.Float32, requiresGrad: false, isResident: true)
            : new UnknownValue("the shape of a tensor the constructor made", at),
        ListValue list => new ListValue(list.Items.Select(i => Lift(i, at)).ToList()),
        _ => value,
    };

    private Value Lower(Value value, LocationInfo? at)
    {
        switch (value)
        {
            case ActivationTensor tensor when tensor.Shape.Dims.All(d => d.IsConstant()):
                var dims = tensor.Shape.Dims.Select(d => d.PinCoefficient()).ToArray();
                var count = dims.Aggregate(1L, (a, b) => checked(a * b));
                var slot = new TensorSlot(count, isParameter: false, tensor.ElementType, dims)
                {
                    SharesOtherStorage = tensor.Storage.Elements != Dim.Of(count),
                };
                constantOrigins[slot] = tensor;
                return new TensorValue(slot);
            case ActivationTensor other:
                return new UnknownValue($"a constructor's tensor of shape {other.Shape}", at);
            case ListValue list:
                return new ListValue(list.Items.Select(i => Lower(i, at)).ToList());
            case TupleValue tuple:
                return new TupleValue(tuple.Items.Select(i => Lower(i, at)).ToList());
            default:
                return value;
        }
    }

    /// <summary>
    /// A functional.* call of a layer's rule: its tensor parameters are the inputs, the rest its arguments, except the
    /// layer's own parameters given as tensors (<see cref="LayerRule.FunctionalParameters"/>).
    /// </summary>
    private Value RunFunctionalLayer(LayerRule layerRule, IMethodSymbol method, List<KeyValuePair<string, Value>> args, LocationInfo? at)
    {
        var layer = layerRule.Factory;
        if (FirstLost(args) is { } lostArgument) return lostArgument;
        var module = new ModuleInstance(layer, null, at);
        foreach (var (argument, parameter) in layerRule.FunctionalParameters)
        {
            var given = args.FirstOrDefault(a => a.Key == argument).Value;
            if (given is null or NullValue) continue;
            // Its gradient goes to the tensor's own .grad only where it is a parameter or buffer itself, not a view or a result.
            if (given is not ActivationTensor { Parameter: { } slot, ViewSource: null, Storage.IsResident: true })
                return Record(new UnknownValue($"functional.{method.Name} with a {argument} that is not a parameter or buffer itself "
                    + "(a view of one, or a computed tensor) is not modeled", at));
            module.AddParameter(parameter, slot);
        }
        bool IsTensorParameter(KeyValuePair<string, Value> a) =>
            method.Parameters.FirstOrDefault(p => p.Name == a.Key) is { } p && Torch.IsTensor(p.Type);
        bool IsLayerParameter(KeyValuePair<string, Value> a) => layerRule.FunctionalParameters.Any(f => f.Argument == a.Key);
        var tensors = args.Where(a => IsTensorParameter(a) && !IsLayerParameter(a)).Select(a => a.Value).ToList();
        var options = args.Where(a => !IsTensorParameter(a)).ToList();
        var call = new LayerCall(new LayerArgs(layer, options), module, tensors, Trace);
        if (layerRule.Composed is { } composed)
        {
            var viaOps = Guarded(method.Name, () => composed(this, call, at) ?? KernelTakesIt, at, tensors);
            if (!ReferenceEquals(viaOps, KernelTakesIt)) return viaOps;
        }
        return layerRule.Forward is { } rule ? RunRule(rule, call, at)
            : Record(new UnknownValue($"functional.{method.Name} is not modeled", at));
    }

    /// <summary>What a <see cref="LayerRule.Composed"/> path's null becomes: the kernel's own rule takes the call.</summary>
    private static readonly UnknownValue KernelTakesIt = new("the kernel's own rule takes the call", null);

    /// <summary>x.name(args) or torch.name(x, args): the op's record, or an unknown where there is none.</summary>
    private Value RunMethod(string name, ActivationTensor self, List<KeyValuePair<string, Value>> args, LocationInfo? at)
    {
        // An argument already lost makes the call unknown: no rule may read past it (masked_fill once ignored its mask).
        if (FirstLost(args) is { } lostArgument) return lostArgument;
        var op = NewOp(name, new Value[] { self }, at);
        var rule = TensorOps.Find(name, TensorOpForms.Method);
        return Guarded(name, () => rule?.Forward?.Invoke(new TensorOpCall(this, name, self, op, at) { Args = args }), at,
            args.Select(a => a.Value).Prepend(self));
    }

    /// <summary>Runs an op's rule, turning what it throws into a TBG003 mismatch or an unknown (also where it has no rule).</summary>
    private Value Guarded(string name, Func<Value?> run, LocationInfo? at, IEnumerable<Value> inputs)
    {
        try
        {
            return run() ?? Record(new UnknownValue($"tensor method '{name}' is not modeled in forward yet", at));
        }
        catch (ShapeMismatchException mismatch)
        {
            return Mismatch(mismatch.Message, at, inputs);
        }
        catch (Exception e) when (e is UnknownArgumentException or InvalidLayerArgumentException or OverflowException or NotLinearInBatchException)
        {
            return Record(e is UnknownArgumentException u ? u.Unknown : new UnknownValue($"{name}: {e.Message}", at));
        }
    }

    /// <summary>
    /// An argument the analysis already lost (an unmodeled call, a shape error): the call hands that cause on, so TBG004
    /// names the first construct it could not follow rather than every modeled call after it.
    /// </summary>
    private static UnknownValue? FirstLost(List<KeyValuePair<string, Value>> args) =>
        args.Select(a => a.Value).OfType<UnknownValue>().FirstOrDefault()
        ?? args.Select(a => a.Value).OfType<ListValue>().SelectMany(l => l.Items).OfType<UnknownValue>().FirstOrDefault();

    /// <summary>The items a foreach would visit (cat's list of tensors).</summary>
    public Value EnumerateList(Value collection) => Host.Enumerate(collection, null);
}

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
        if (SymbolEqualityComparer.Default.Equals(containing, Torch.Torch) && invocation.Arguments.Length > 0)
        {
            var args = arguments.ByName();
            if (FirstLost(args) is { } lostArgument) return lostArgument;
            if (TensorOps.Find(method.Name, TensorOpForms.TorchFunction) is { Forward: { } function })
            {
                return Guarded(method.Name, () => function(new TensorOpCall(this, method.Name, null, NewOp(method.Name, [], at), at)
                {
                    Method = method, Args = args,
                }), at, Array.Empty<Value>());
            }
            if (args.Count > 0 && args[0].Value is ActivationTensor self) return RunMethod(method.Name, self, args.Skip(1).ToList(), at);
        }
        if (containing?.SpecialType == SpecialType.None && Torch.IsTensor(method.ReturnType) && !method.Locations.Any(l => l.IsInSource)
            && (SymbolEqualityComparer.Default.Equals(containing, Torch.Functional)
                || SymbolEqualityComparer.Default.Equals(containing, Torch.Torch)))
        {
            return Record(new UnknownValue($"{containing.Name}.{method.Name} is not modeled in forward yet", at));
        }
        return null;
    }

    /// <summary>A functional.* call of a layer's rule: its tensor parameters are the inputs, the rest its arguments.</summary>
    private Value RunFunctionalLayer(LayerRule layerRule, IMethodSymbol method, List<KeyValuePair<string, Value>> args, LocationInfo? at)
    {
        var layer = layerRule.Factory;
        if (FirstLost(args) is { } lostArgument) return lostArgument;
        bool IsTensorParameter(KeyValuePair<string, Value> a) =>
            method.Parameters.FirstOrDefault(p => p.Name == a.Key) is { } p && Torch.IsTensor(p.Type);
        var tensors = args.Where(IsTensorParameter).Select(a => a.Value).ToList();
        var options = args.Where(a => !IsTensorParameter(a)).ToList();
        var call = new LayerCall(new LayerArgs(layer, options), new ModuleInstance(layer, null, at), tensors, Trace);
        return layerRule.Forward is { } rule ? RunRule(rule, call, at)
            : Record(new UnknownValue($"functional.{method.Name} is not modeled", at));
    }

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

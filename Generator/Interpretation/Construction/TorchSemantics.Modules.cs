using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Interpretation;

/// <summary>Layers, parameters and registration: torch.nn factories, Parameter, and the methods of modules and containers.</summary>
internal partial class TorchSemantics
{
    private Value CallNnFactory(IMethodSymbol method, IInvocationOperation invocation, CallArguments arguments)
    {
        if (method.Name == "Parameter")
        {
            var parameterArgs = arguments.ByName();
            return MakeParameter(parameterArgs.FirstOrDefault().Value, parameterArgs.Skip(1).FirstOrDefault().Value, invocation);
        }
        if (!Torch.IsModule(method.ReturnType))
        {
            return Unknown($"torch.nn.{method.Name} does not build a module", invocation);
        }
        return BuildLayer(method.Name, arguments.ByName(), invocation);
    }

    /// <summary>A TorchSharp layer from its factory's (or constructor's) arguments, by the rules table.</summary>
    private static Value BuildLayer(string factory, List<KeyValuePair<string, Value>> arguments, IOperation at)
    {
        var location = LocationInfo.From(at.Syntax);
        var module = new ModuleInstance(factory, null, location) { FactoryArguments = new LayerArgs(factory, arguments) };
        if (LayerRules.Find(factory) is not { } rule)
        {
            module.Unknowns.Add(new UnknownValue($"torch.nn.{factory} is not in TorchBudget's layer table", location));
            return new ModuleValue(module);
        }
        try
        {
            rule.Build(module.FactoryArguments, new LayerBuilder(module));
        }
        catch (UnknownArgumentException unknown)
        {
            module.Unknowns.Add(new UnknownValue($"an argument of {factory} depends on {unknown.Unknown.Reason}",
                unknown.Unknown.Location ?? location));
        }
        catch (InvalidLayerArgumentException invalid)
        {
            module.Unknowns.Add(new UnknownValue(invalid.Message, location));
        }
        catch (OverflowException)
        {
            module.Unknowns.Add(new UnknownValue($"the parameter count of {factory} overflows a 64-bit integer", location));
        }
        return new ModuleValue(module);
    }

    private static Value MakeParameter(Value? data, Value? requiresGrad, IOperation at)
    {
        if (data is UnknownValue unknown) return unknown;
        if (data is not TensorValue tensor) return Unknown("a Parameter of an unknown tensor", at);
        var parameter = new TensorSlot(tensor.Tensor.PeekElementCount, isParameter: true, tensor.Tensor.ElementType, tensor.Tensor.PeekShape)
        {
            CountForm = tensor.Tensor.CountForm
        };
        switch (requiresGrad)
        {
            case null:
                break;
            case BoolValue flag:
                parameter.RequiresGrad = flag.Flag;
                break;
            default:
                return Unknown("whether the Parameter requires grad is not known", at, requiresGrad);
        }
        return new TensorValue(parameter);
    }

    private Value CallModuleMethod(ModuleInstance module, IInvocationOperation invocation, CallArguments arguments)
    {
        var args = arguments.ByName();
        Value Arg(int index) => index < args.Count ? args[index].Value : NullValue.Instance;
        var location = LocationInfo.From(invocation.Syntax);
        string NextIndex() => module.Children.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);

        switch (invocation.TargetMethod.Name)
        {
            case "RegisterComponents":
                Registration.RegisterComponents(module, Torch, location);
                return NullValue.Instance;
            case "register_module" or "add_module":
                return Register(module, Arg(0), Arg(1), invocation,
                    (name, value) => value is ModuleValue child ? AddChild(module, name, child.Module, location) : null);
            case "register_parameter":
                return Register(module, Arg(0), Arg(1), invocation, (name, value) => value is TensorValue { Tensor.IsParameter: true } p
                    ? AddTensor(module.Parameters, name, p)
                    : value is NullValue ? NullValue.Instance : null);
            case "register_buffer":
                return Register(module, Arg(0), Arg(1), invocation, (name, value) => value is TensorValue t
                    ? AddTensor(module.Buffers, name, t)
                    : value is NullValue ? NullValue.Instance : null);
            case "children" or "named_children" when args.Count == 0:
                // The registered children, in registration order (a Sequential subclass's forward iterating them).
                if (module.Unknowns.Count > 0) return Unknown($"the children of '{module.Kind}', whose registration is not known", invocation);
                return new ListValue(module.Children.Select(c => invocation.TargetMethod.Name == "children"
                    ? (Value)new ModuleValue(c.Value)
                    : new TupleValue(new Value[] { new StringValue(c.Key), new ModuleValue(c.Value) })).ToList());
            case "parameters":
                return new ParameterListValue(module, named: false);
            case "named_parameters":
                return new ParameterListValue(module, named: true);
            case "requires_grad_":
                if (Arg(0) is not BoolValue flag)
                {
                    module.Unknowns.Add(Unknown("whether the module is frozen is not known", invocation, Arg(0)));
                    return new ModuleValue(module);
                }
                foreach (var parameter in Registration.NamedParameters(module)) parameter.Value.RequiresGrad = flag.Flag;
                return new ModuleValue(module);
            case "Add" or "append" when module.UserType is null && args.Count == 1 && Arg(0) is ModuleValue appended:
                Append(module, NextIndex(), appended.Module, location);
                return NullValue.Instance;
            case "append" when module.UserType is null && args.Count == 1 && Arg(0) is ListValue { Items: var items }
                && items.All(i => i is ModuleValue):
                // ModuleList<T>.append(params T[] modules) in TorchSharp 0.107: each one in order, as Add does.
                foreach (var item in items) Append(module, NextIndex(), ((ModuleValue)item).Module, location);
                return NullValue.Instance;
            case "Add" or "append" when module.UserType is null && args.Count == 1
                && Arg(0) is TupleValue { Items: [StringValue key, ModuleValue entry] }:
                Append(module, key.Text, entry.Module, location);
                return NullValue.Instance;
            case "Add" or "append" when module.UserType is null && args.Count == 2 && Arg(0) is StringValue key && Arg(1) is ModuleValue entry:
                Append(module, key.Text, entry.Module, location);
                return NullValue.Instance;
            case "extend" when module.UserType is null && Host.Enumerate(Arg(0), invocation) is ListValue extension:
                foreach (var item in extension.Items)
                {
                    if (item is ModuleValue m) Append(module, NextIndex(), m.Module, location);
                    else module.Unknowns.Add(Unknown("a module list extended with unknown items", invocation, item));
                }
                return NullValue.Instance;
            case "to" or "cuda" or "cpu" or "train" or "eval" or "type" or "half" or "float" or "double" or "bfloat16" or "apply":
                // Device, dtype and mode changes keep the same registrations.
                return new ModuleValue(module);
            default:
                // A container call nobody models (an append of a module not known here, an insert) may change what it
                // registers, whatever it returns (Sequential.append returns the Sequential).
                if (module.UserType is null && module.Kind is "ModuleList" or "ModuleDict" or "Sequential")
                {
                    module.Unknowns.Add(Unknown(
                        $"'{invocation.TargetMethod.Name}()' on the {module.Kind} is not modeled here and might register components",
                        invocation, args.Select(a => a.Value).OfType<UnknownValue>().FirstOrDefault()));
                }
                if (!invocation.TargetMethod.ReturnsVoid && Torch.IsModule(invocation.TargetMethod.ReturnType))
                    return Unknown($"'{invocation.TargetMethod.Name}' on a module is not modeled", invocation);
                // A void call nobody models may change what the module registers: on the module being built, or on
                // a container (ModuleList, ModuleDict, Sequential) that a statement like layers.insert(...) fills.
                if (invocation.Instance is IInstanceReferenceOperation || invocation.Instance is null
                    || (module.UserType is null && module.Kind is "ModuleList" or "ModuleDict" or "Sequential"
                        && invocation.TargetMethod.ReturnsVoid))
                {
                    module.Unknowns.Add(new UnknownValue(
                        $"'{invocation.TargetMethod.Name}()' on the module is not modeled and might register components", location));
                }
                return Unknown($"'{invocation.TargetMethod.Name}' is not modeled", invocation);
        }
    }

    private static Value Register(ModuleInstance module, Value name, Value value, IOperation at, Func<string, Value, Value?> add)
    {
        if (name is UnknownValue || value is UnknownValue)
        {
            module.Unknowns.Add(Unknown("a registration with unknown name or value", at, name as UnknownValue ?? value));
            return NullValue.Instance;
        }
        if (name is not StringValue text || add(text.Text, value) is null)
        {
            module.Unknowns.Add(Unknown($"registration of {value.Describe()} as {name.Describe()} is not modeled", at));
        }
        return NullValue.Instance;
    }

    private Value AddChild(ModuleInstance module, string name, ModuleInstance child, LocationInfo? location)
    {
        Registration.RegisterModule(module, name, child, Torch, location);
        return NullValue.Instance;
    }

    /// <summary>Appending to a ModuleList/ModuleDict that is already registered registers the item too.</summary>
    private void Append(ModuleInstance container, string name, ModuleInstance item, LocationInfo? location)
    {
        container.AddChild(name, item);
        if (container.ComponentsRegistered) Registration.Activate(item, Torch, location);
    }

    private static Value AddTensor(List<KeyValuePair<string, TensorSlot>> into, string name, TensorValue tensor)
    {
        into.Add(new(name, tensor.Tensor));
        return NullValue.Instance;
    }

    /// <summary>Methods of a parameter or buffer tensor in a constructor.</summary>
    private Value CallTensorMethod(TensorValue tensor, IInvocationOperation invocation, CallArguments arguments, ModuleInstance? self)
    {
        switch (invocation.TargetMethod.Name)
        {
            case "requires_grad_":
                var flag = arguments.Count == 0 ? BoolValue.True : arguments.Evaluate(0);
                if (flag is BoolValue b) tensor.Tensor.RequiresGrad = b.Flag;
                else self?.Unknowns.Add(Unknown("whether a parameter is frozen is not known", invocation, flag));
                return tensor;
            case var name when TensorFactories.KeepsShape(name):
                return TensorFactories.SameShape(tensor.Tensor);
            case "cuda" or "cpu":
                return tensor;
            case "to" when !arguments.ByName().Any(a => a.Value is EnumValue { TypeName: "ScalarType" }):
                // A move to a device: the same elements, a tensor of its own as far as registration goes.
                return new TensorValue(new TensorSlot(tensor.Tensor.PinElementCount(), isParameter: false, tensor.Tensor.ElementType,
                    tensor.Tensor.PinShape()));
            case "numel":
                return tensor.Tensor.PinElementCount() is { } count ? new IntValue(count) : Unknown("the element count of a tensor", invocation);
            default:
                // Initializers (normal_, fill_, uniform_) and other in-place ops change values, not sizes; any other op is
                // forward's rule on the tensors' fixed shapes.
                return invocation.TargetMethod.Name.EndsWith("_", StringComparison.Ordinal)
                    ? tensor
                    : Host.ConstructorOp(invocation.TargetMethod, null, tensor, arguments.ByName(), LocationInfo.From(invocation.Syntax));
        }
    }
}

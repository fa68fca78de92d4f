using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Interpretation;

/// <summary>Calls into TorchSharp's module and tensor methods and the few BCL methods models use.</summary>
internal sealed partial class Interpreter
{
    private Value CallModuleMethod(ModuleInstance module, IInvocationOperation invocation, Frame frame)
    {
        var args = BindArgumentsByName(invocation, frame);
        Value Arg(int index) => index < args.Count ? args[index].Value : NullValue.Instance;
        var location = LocationInfo.From(invocation.Syntax);

        switch (invocation.TargetMethod.Name)
        {
            case "RegisterComponents":
                Registration.RegisterComponents(module, torch, location);
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
                Append(module, module.Children.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), appended.Module, location);
                return NullValue.Instance;
            case "append" when module.UserType is null && args.Count == 1 && Arg(0) is ListValue { Items: var items }
                && items.All(i => i is ModuleValue):
                // ModuleList<T>.append(params T[] modules) in TorchSharp 0.107: each one in order, as Add does.
                foreach (var item in items)
                    Append(module, module.Children.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), ((ModuleValue)item).Module,
                        location);
                return NullValue.Instance;
            case "Add" or "append" when module.UserType is null && args.Count == 1
                && Arg(0) is TupleValue { Items: [StringValue key, ModuleValue entry] }:
                Append(module, key.Text, entry.Module, location);
                return NullValue.Instance;
            case "Add" or "append" when module.UserType is null && args.Count == 2 && Arg(0) is StringValue key && Arg(1) is ModuleValue entry:
                Append(module, key.Text, entry.Module, location);
                return NullValue.Instance;
            case "extend" when module.UserType is null && Enumerate(Arg(0), invocation) is ListValue extension:
                foreach (var item in extension.Items)
                {
                    if (item is ModuleValue m)
                        Append(module, module.Children.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Module, location);
                    else module.Unknowns.Add(Unknown("a module list extended with unknown items", invocation, item));
                }
                return NullValue.Instance;
            case "to" or "cuda" or "cpu" or "train" or "eval" or "type" or "half" or "float" or "double" or "bfloat16" or "apply":
                // Device, dtype and mode changes keep the same registrations.
                return new ModuleValue(module);
            default:
                if (!invocation.TargetMethod.ReturnsVoid && torch.IsModule(invocation.TargetMethod.ReturnType))
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

    private Value Register(ModuleInstance module, Value name, Value value, IOperation at, Func<string, Value, Value?> add)
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
        Registration.RegisterModule(module, name, child, torch, location);
        return NullValue.Instance;
    }

    /// <summary>Appending to a ModuleList/ModuleDict that is already registered registers the item too.</summary>
    private void Append(ModuleInstance container, string name, ModuleInstance item, LocationInfo? location)
    {
        container.AddChild(name, item);
        if (container.ComponentsRegistered) Registration.Activate(item, torch, location);
    }

    private static Value AddTensor(List<KeyValuePair<string, TensorSlot>> into, string name, TensorValue tensor)
    {
        into.Add(new(name, tensor.Tensor));
        return NullValue.Instance;
    }

    private Value CallTensorMethod(TensorValue tensor, IInvocationOperation invocation, Frame frame)
    {
        switch (invocation.TargetMethod.Name)
        {
            case "requires_grad_":
                var flag = invocation.Arguments.Length == 0 ? BoolValue.True : Evaluate(invocation.Arguments[0].Value, frame);
                if (flag is BoolValue b) tensor.Tensor.RequiresGrad = b.Flag;
                else frame.Self?.Unknowns.Add(Unknown("whether a parameter is frozen is not known", invocation, flag));
                return tensor;
            case "to" or "cuda" or "cpu" or "reshape" or "view" or "flatten" or "contiguous" or "clone" or "detach" or "t" or "transpose" or "permute"
                or "squeeze" or "unsqueeze":
                // Same elements, a tensor of its own as far as registration goes.
                var sameShape = invocation.TargetMethod.Name is "to" or "cuda" or "cpu" or "contiguous" or "clone" or "detach";
                var newShape = sameShape ? tensor.Tensor.PinShape()
                    : invocation.TargetMethod.Name is "reshape" or "view" && invocation.Arguments.Length == 1
                        ? ReshapeConstant(tensor.Tensor.PinElementCount(), Evaluate(invocation.Arguments[0].Value, frame))
                    : null;
                return new TensorValue(new TensorSlot(tensor.Tensor.PinElementCount(), isParameter: false, tensor.Tensor.ElementType, newShape));
            case "numel":
                return tensor.Tensor.PinElementCount() is { } count ? new IntValue(count) : Unknown("the element count of a tensor", invocation);
            default:
                // Initializers (normal_, fill_, uniform_) and other in-place ops change values, not sizes.
                return invocation.TargetMethod.Name.EndsWith("_", StringComparison.Ordinal)
                    ? tensor
                    : Unknown($"tensor method '{invocation.TargetMethod.Name}' is not modeled", invocation);
        }
    }

    /// <summary>reshape/view of a tensor made in the constructor: the new shape, one -1 inferred; null when it cannot be known.</summary>
    private static long[]? ReshapeConstant(long? elementCount, Value sizes)
    {
        if (elementCount is not { } count || sizes is not ListValue { Items: var items } || items.Any(i => i is not IntValue)) return null;
        var dims = items.Select(i => ((IntValue)i).Pin()).ToArray();
        var known = dims.Where(d => d != -1).Aggregate(1L, (a, b) => a * b);
        if (dims.Count(d => d == -1) > 1 || known <= 0) return null;
        if (dims.Contains(-1)) dims[Array.IndexOf(dims, -1)] = count % known == 0 ? count / known : -1;
        return dims.All(d => d >= 0) && dims.Aggregate(1L, (a, b) => a * b) == count ? dims : null;
    }

    private Value CallListMethod(ListValue list, IInvocationOperation invocation, Frame frame)
    {
        var args = invocation.Arguments.Select(a => Evaluate(a.Value, frame)).ToList();
        switch (invocation.TargetMethod.Name, args.Count)
        {
            case ("Add", 1):
                list.Items.Add(args[0]);
                return NullValue.Instance;
            case ("AddRange", 1) when Enumerate(args[0], invocation) is ListValue range:
                list.Items.AddRange(range.Items);
                return NullValue.Instance;
            case ("Insert", 2) when args[0] is IntValue index && index.Pin() is var at && at >= 0 && at <= list.Items.Count:
                list.Items.Insert((int)index.Pin(), args[1]);
                return NullValue.Instance;
            case ("Clear", 0):
                list.Items.Clear();
                return NullValue.Instance;
            case ("ToArray" or "ToList", 0):
                return new ListValue(list.Items.ToList());
            default:
                var unknown = Unknown($"'{invocation.TargetMethod.Name}' on a list is not modeled", invocation);
                if (!invocation.TargetMethod.ReturnsVoid) return unknown;
                for (var i = 0; i < list.Items.Count; i++) list.Items[i] = unknown;
                return NullValue.Instance;
        }
    }

    private Value CallLambda(LambdaValue lambda, Value argument, IOperation at)
    {
        using var call = EnterCall(LocationInfo.From(at.Syntax));
        if (call.Refused is { } refused) return refused;
        var captured = (Frame)lambda.CapturedFrame;
        var frame = new Frame(captured.Self);
        foreach (var pair in captured.Variables) frame.Variables[pair.Key] = pair.Value;
        frame.Variables[lambda.Function.Symbol.Parameters[0]] = argument;
        return Execute(lambda.Function.Body, frame) == Completion.Return ? frame.ReturnValue : NullValue.Instance;
    }

    /// <summary>Static BCL helpers models use to compute sizes; anything else is unknown.</summary>
    private Value CallLibraryMethod(IInvocationOperation invocation, Value? receiver, Frame frame)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType?.ToDisplayString();
        var args = invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(a => Evaluate(a.Value, frame)).ToList();
        // module.to(device), .cuda(), .half(): extension methods that return the same module.
        if (type == "TorchSharp.ModuleExtensionMethods" && args.Count > 0 && args[0] is ModuleValue) return args[0];
        if (args.FirstOrDefault(a => a is UnknownValue) is UnknownValue unknownArgument) return unknownArgument;

        switch (type, method.Name)
        {
            case ("System.Math", "Max") when args is [IntValue a, IntValue b]:
                return new IntValue(Math.Max(a.Pin(), b.Pin()));
            case ("System.Math", "Min") when args is [IntValue a, IntValue b]:
                return new IntValue(Math.Min(a.Pin(), b.Pin()));
            case ("System.Math", "Abs") when args is [IntValue a] && a.Pin() != long.MinValue:
                return new IntValue(Math.Abs(a.Pin()));
            case ("System.Math", "Max" or "Min" or "Pow" or "Sqrt" or "Floor" or "Ceiling" or "Round" or "Abs")
                when args.All(a => a is IntValue or RealValue):
                var numbers = args.Select(AsDouble).ToArray();
                return new RealValue(method.Name switch
                {
                    "Max" => Math.Max(numbers[0], numbers[1]),
                    "Min" => Math.Min(numbers[0], numbers[1]),
                    "Pow" => Math.Pow(numbers[0], numbers[1]),
                    "Sqrt" => Math.Sqrt(numbers[0]),
                    "Floor" => Math.Floor(numbers[0]),
                    "Ceiling" => Math.Ceiling(numbers[0]),
                    "Abs" => Math.Abs(numbers[0]),
                    _ => Math.Round(numbers[0]),
                });
            case ("System.Linq.Enumerable", "Select") when args is [var source, LambdaValue map] && map.Function.Symbol.Parameters.Length == 1
                && Enumerate(source, invocation) is ListValue mapped:
                return new ListValue(mapped.Items.Select(item => CallLambda(map, item, invocation)).ToList());
            case ("System.Linq.Enumerable", "Where") when args is [var source, LambdaValue predicate]
                && predicate.Function.Symbol.Parameters.Length == 1 && Enumerate(source, invocation) is ListValue filtered:
                var kept = new List<Value>();
                foreach (var item in filtered.Items)
                {
                    switch (CallLambda(predicate, item, invocation))
                    {
                        case BoolValue { Flag: true }: kept.Add(item); break;
                        case BoolValue: break;
                        case var other: return Unknown("a filter the analysis cannot decide", invocation, other);
                    }
                }
                return new ListValue(kept);
            case ("System.Linq.Enumerable", "Range") when args is [IntValue start, IntValue count]
                && count.Pin() is >= 0 and <= InterpreterLimits.MaxLoopIterations:
                return new ListValue(Enumerable.Range(0, (int)count.Pin()).Select(i => (Value)new IntValue(start.Pin() + i)).ToList());
            case ("System.Linq.Enumerable", "Repeat") when args is [var element, IntValue times]
                && times.Pin() is >= 0 and <= InterpreterLimits.MaxLoopIterations:
                return new ListValue(Enumerable.Repeat(element, (int)times.Pin()).ToList());
            case ("System.Linq.Enumerable", "ToArray" or "ToList" or "AsEnumerable") when args.Count == 1:
                return Enumerate(args[0], invocation) is ListValue copy
                    ? new ListValue(copy.Items.ToList())
                    : Unknown("an unknown sequence", invocation);
            case ("System.Linq.Enumerable", "Count") when args.Count == 1 && Enumerate(args[0], invocation) is ListValue counted:
                return new IntValue(counted.Items.Count);
            case ("System.Linq.Enumerable", "Concat") when args.Count == 2 && Enumerate(args[0], invocation) is ListValue first
                && Enumerate(args[1], invocation) is ListValue second:
                return new ListValue(first.Items.Concat(second.Items).ToList());
            case ("System.Linq.Enumerable", "Reverse") when args.Count == 1 && Enumerate(args[0], invocation) is ListValue reversed:
                return new ListValue(Enumerable.Reverse(reversed.Items).ToList());
            case ("TorchSharp.torch.TensorIndex", "Single") when args is [IntValue position]:
                return position;
            case ("TorchSharp.torch.TensorIndex", "Slice") when args.All(a => a is IntValue or NullValue):
                long? Bound(int i) => i < args.Count && args[i] is IntValue bound ? bound.Pin() : null;
                return new TensorIndexValue("Slice", Bound(0), Bound(1), Bound(2));
            case ("System.Tuple", "Create") or ("System.ValueTuple", "Create"):
                return new TupleValue(args);
            case ("string", "Concat") when args.All(a => ToText(a) is not null):
                return new StringValue(string.Concat(args.Select(ToText)));
            case (_, "ToString") when receiver is not null && args.Count == 0 && ToText(receiver) is { } text:
                return new StringValue(text);
        }
        return Unknown($"'{method.ContainingType?.Name}.{method.Name}' is not modeled", invocation);
    }
}

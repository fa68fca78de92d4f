using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// The symbolic forward pass: runs the model's forward (and every user submodule's) with tensors whose
/// shapes carry a symbolic batch size, recording shapes, allocations and what autograd keeps.
/// </summary>
internal sealed partial class Interpreter
{
    private ForwardTrace? trace;
    private readonly Dictionary<TensorSlot, ActivationTensor> residentTensors = new();

    /// <summary>A parameter or buffer taking part in forward: a tensor over memory counted in its own row.</summary>
    private Value AsActivation(TensorValue value, IOperation at)
    {
        var slot = value.Tensor;
        if (residentTensors.TryGetValue(slot, out var known)) return known;
        if (slot.PinShape() is not { } shape)
            return Record(new UnknownValue("the shape of a parameter or buffer used in forward", LocationInfo.From(at.Syntax)));
        var tensor = trace!.Allocate(new TensorShape(shape.Select(Dim.Of)), slot.ElementType ?? trace.ParameterElementType,
            slot.RequiresGrad && trace.GradEnabled, isResident: true, parameter: slot);
        residentTensors[slot] = tensor;
        return tensor;
    }

    public ForwardTrace RunForward(ModuleInstance root, TensorShape inputShape, string inputType, string parameterType, bool gradEnabled,
        bool atBatchOne = false, long? fromBatch = null, bool training = true)
    {
        trace = new ForwardTrace(gradEnabled)
        {
            ParameterElementType = parameterType, AtBatchOne = atBatchOne, StandsFromBatch = fromBatch, Training = training
        };
        residentTensors.Clear();
        try
        {
            var input = trace.Allocate(inputShape, inputType, requiresGrad: false, isResident: true);
            trace.ProfileInput = input;
            var output = ApplyModule(root, new Value[] { input }, root.CreatedAt);
            if (output is UnknownValue unknown) trace.Unknowns.Add(unknown);
            else if (output is ActivationTensor result)
            {
                trace.OutputShapes[root] = result.Shape.ToString();
                trace.Output = result;
            }
        }
        catch (AnalysisLimitException limit)
        {
            trace.Unknowns.Add(limit.Unknown);
        }
        return trace;
    }

    private Value ApplyModule(ModuleInstance module, IReadOnlyList<Value> inputs, LocationInfo? callSite)
    {
        var forwardTrace = trace!;
        if (!forwardTrace.InputShapes.ContainsKey(module) && DescribeArguments(inputs) is { } arguments) forwardTrace.InputShapes[module] = arguments;
        forwardTrace.Running.Push(module);
        Value result;
        try
        {
            if (forwardTrace.Running.Count > InterpreterLimits.MaxModuleDepth)
            {
                throw new AnalysisLimitException(
                    new UnknownValue($"forward runs modules nested more than {InterpreterLimits.MaxModuleDepth} deep", callSite));
            }
            result = module.UserType is not null ? CallUserForward(module, inputs, callSite)
                : module.Kind == "Sequential" ? SequentialForward(module, inputs, callSite)
                : LayerForward(module, inputs, callSite);
        }
        finally
        {
            forwardTrace.Running.Pop();
        }
        if (!forwardTrace.OutputShapes.ContainsKey(module) && DescribeShape(result) is { } shape) forwardTrace.OutputShapes[module] = shape;
        return result;
    }

    private Value CallUserForward(ModuleInstance module, IReadOnlyList<Value> inputs, LocationInfo? callSite)
    {
        IMethodSymbol? forward = null;
        for (var type = module.UserType; type is not null && IsInSource(type) && forward is null; type = type.BaseType)
        {
            forward = type.GetMembers("forward").OfType<IMethodSymbol>().FirstOrDefault(m => !m.IsAbstract && m.Parameters.Length == inputs.Count);
        }
        if (forward is null) return Record(new UnknownValue($"'{module.Kind}' has no forward taking {inputs.Count} argument(s) in source", callSite));
        var arguments = new Dictionary<IParameterSymbol, Value>(SymbolEqualityComparer.Default);
        for (var i = 0; i < inputs.Count; i++) arguments[forward.Parameters[i]] = inputs[i];
        return CallSourceMethod(forward, new ModuleValue(module), arguments, null, new Frame(module));
    }

    /// <summary>TorchSharp's Sequential disposes each intermediate result; autograd-saved memory survives that.</summary>
    private Value SequentialForward(ModuleInstance sequential, IReadOnlyList<Value> inputs, LocationInfo? callSite)
    {
        if (inputs.Count != 1) return Record(new UnknownValue("Sequential takes one tensor", callSite));
        var current = inputs[0];
        for (var i = 0; i < sequential.Children.Count; i++)
        {
            var child = sequential.Children[i].Value;
            var next = ApplyModule(child, new[] { current }, child.CreatedAt ?? callSite);
            if (i > 0 && current is ActivationTensor intermediate && !ReferenceEquals(intermediate, next)) trace!.Dispose(intermediate);
            if (next is UnknownValue) return next;
            current = next;
        }
        return current;
    }

    private Value LayerForward(ModuleInstance module, IReadOnlyList<Value> inputs, LocationInfo? callSite)
    {
        if (module.Unknowns.Count > 0) return module.Unknowns[0];
        if (inputs.FirstOrDefault(i => i is UnknownValue) is UnknownValue unknownInput) return unknownInput;
        if (trace is null) throw new System.InvalidOperationException("a layer ran outside forward");
        var rule = LayerRules.Find(module.Kind);
        if (rule?.Forward is null || module.FactoryArguments is null)
        {
            return Record(new UnknownValue($"the forward of {module.Kind} (shape and memory) is not modeled yet", callSite ?? module.CreatedAt));
        }
        var call = new LayerCall(module.FactoryArguments, module, inputs, trace) { CallSite = callSite ?? module.CreatedAt };
        if (call.FloatInputOfAnotherType() is { } mismatch) return Mismatch(mismatch, callSite ?? module.CreatedAt, inputs, module);
        var counted = trace.MultiplyAccumulates.Count;
        var result = RunRule(rule.Forward, call, callSite ?? module.CreatedAt);
        if (module.Parameters.Count > 0 && trace.MultiplyAccumulates.Count == counted && !ComputeCost.WeightsWithoutProducts.Contains(module.Kind))
        {
            trace.MultiplyAccumulatesUnknown ??= $"the multiply-accumulates of {module.Kind} are not counted yet";
        }
        return result;
    }

    private static void MarkLayoutNotFollowed(Value result, IReadOnlyList<Value> inputs)
    {
        if (result is ActivationTensor tensor && !inputs.Contains(tensor)) tensor.LayoutNotFollowed = true;
        if (result is TupleValue tuple) foreach (var item in tuple.Items) MarkLayoutNotFollowed(item, inputs);
    }

    private Value RunRule(Func<LayerCall, Value> forward, LayerCall call, LocationInfo? location)
    {
        try
        {
            // A contiguous tensor whose size-1 dimensions' strides read as channels-last runs channels-last kernels too.
            var strided = call.Inputs.OfType<ActivationTensor>().FirstOrDefault(t => !t.IsContiguous || ReadsAsChannelsLast(t));
            var notFollowed = strided is not null && !LayerRules.FollowsStridedInputs(call.Args.Factory, strided, trace!.Decide);
            if (notFollowed)
            {
                call.MemoryNotModeled($"its input {strided!.Shape} is strided (a transposed, sliced or expanded view), "
                    + $"which was not measured for {call.Args.Factory}");
            }
            var result = forward(call);
            call.Record(result);
            if (notFollowed || call.Inputs.OfType<ActivationTensor>().Any(t => t.LayoutNotFollowed)) MarkLayoutNotFollowed(result, call.Inputs);
            return result;
        }
        catch (ShapeMismatchException mismatch)
        {
            return Mismatch(mismatch.Message, location, call.Inputs, call.Module);
        }
        catch (UnknownArgumentException unknown)
        {
            return Record(unknown.Unknown);
        }
        catch (InvalidLayerArgumentException invalid)
        {
            return Record(new UnknownValue(invalid.Message, location));
        }
        catch (Exception e) when (e is OverflowException or NotLinearInBatchException)
        {
            return Record(new UnknownValue($"{call.Args.Factory}: {e.Message}", location));
        }
    }

    /// <summary>An unknown that affects the memory table.</summary>
    private bool ReadsAsChannelsLast(ActivationTensor tensor) =>
        tensor.ExactStrides is { } exact && TensorLayout.IsChannelsLastLike(tensor.Shape, exact, trace!.Decide);

    /// <summary>Records a shape error; one fed only the profile's input (or views of it) is marked as the attribute's.</summary>
    private UnknownValue Mismatch(string message, LocationInfo? at, IEnumerable<Value> inputs, ModuleInstance? module = null)
    {
        var tensors = inputs.OfType<ActivationTensor>().ToList();
        var onInput = trace!.ProfileInput is { } input && tensors.Count > 0 && tensors.All(t => ReferenceEquals(t.Storage, input.Storage));
        trace.Mismatches.Add(new ShapeMismatch(message, at, onInput, module));
        return new UnknownValue(message, at);
    }

    private UnknownValue Record(UnknownValue unknown)
    {
        if (trace is not null && !trace.Unknowns.Any(u => u.Reason == unknown.Reason && Equals(u.Location, unknown.Location)))
            trace.Unknowns.Add(unknown);
        return unknown;
    }

    /// <summary>
    /// A module call's arguments as Verify reads them to call the layer on its own: one tensor as its shape, several as
    /// "([B, 8], null, true)" (tensors, nulls and flags) with their element types alike; null for any other argument.
    /// </summary>
    private static (string Shape, string ElementType)? DescribeArguments(IReadOnlyList<Value> inputs)
    {
        if (inputs is [ActivationTensor single]) return (single.Shape.ToString(), single.ElementType);
        var shapes = new List<string>();
        var types = new List<string>();
        foreach (var input in inputs)
        {
            var (shape, type) = input switch
            {
                ActivationTensor tensor => (tensor.Shape.ToString(), tensor.ElementType),
                NullValue => ("null", "null"),
                BoolValue flag => (flag.Describe(), "null"),
                _ => (null, null),
            };
            if (shape is null || type is null) return null;
            shapes.Add(shape);
            types.Add(type);
        }
        return ("(" + string.Join(", ", shapes) + ")", "(" + string.Join(", ", types) + ")");
    }

    private static string? DescribeShape(Value value) => value switch
    {
        ActivationTensor tensor => tensor.Shape.ToString(),
        TupleValue tuple when tuple.Items.All(i => i is ActivationTensor or NullValue) =>
            "(" + string.Join(", ", tuple.Items.Select(i => DescribeShape(i) ?? "null")) + ")",
        _ => null,
    };

    private static bool IsForwardCall(IMethodSymbol method) => method.Name is "forward" or "call";
}

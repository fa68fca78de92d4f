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

/// <summary>
/// The symbolic forward pass's TorchSharp semantics: module calls, layers, tensor ops (<see cref="TensorOps"/>) and the
/// autograd tape over tensors whose shapes carry a symbolic batch size, recorded in one <see cref="ForwardTrace"/>. The C#
/// evaluator runs the user's code and calls in here, as in a constructor (<see cref="TorchSemantics"/>), whose hooks these
/// extend; user modules' forward methods run back through the evaluator (<see cref="ISemanticsHost"/>).
/// </summary>
internal sealed partial class ForwardSemantics(ISemanticsHost host, TorchSharpSymbols torch, ForwardTrace trace) : TorchSemantics(host, torch)
{
    private readonly Dictionary<TensorSlot, ActivationTensor> residentTensors = new();

    public ForwardTrace Trace { get; } = trace;

    /// <summary>Runs <paramref name="root"/> on a fresh input of this shape and type.</summary>
    public void Run(ModuleInstance root, Parsing.ForwardBinding arguments)
    {
        try
        {
            var values = new Value[arguments.Tensors.Count];
            for (var position = 0; position < values.Length; position++)
            {
                if (arguments.Tensors[position] is not { } input)
                {
                    values[position] = arguments.Constants[position]!;
                    continue;
                }
                var shape = input.ShapeWith(arguments.Sequence, arguments.SequenceLength);
                var tensor = Trace.Allocate(shape, input.DType, requiresGrad: false, isResident: true);
                if (input.Position == 0) Trace.ProfileInput = tensor;
                var name = position < arguments.ParameterNames.Count ? arguments.ParameterNames[position] : $"input {position}";
                var length = input.SequenceDimensions.Count > 0 ? shape[input.SequenceDimensions[0] + (input.Batched ? 1 : 0)] : (Dim?)null;
                Trace.Inputs.Add((name, tensor, length?.PeekCoefficient));
                values[position] = tensor;
            }
            var output = ApplyModule(root, values, root.CreatedAt);
            // A tuple's other results stay alive (held by the tuple) while the loss takes the chosen one.
            if (output is TupleValue tuple)
            {
                output = arguments.LossOutput < tuple.Items.Count
                    ? tuple.Items[arguments.LossOutput]
                    : new UnknownValue($"LossOutput {arguments.LossOutput} is beyond forward's {tuple.Items.Count} results", root.CreatedAt);
            }
            if (output is UnknownValue unknown) Trace.Unknowns.Add(unknown);
            else if (output is ActivationTensor result)
            {
                Trace.OutputShapes[root] = result.Shape.ToString();
                Trace.Output = result;
            }
        }
        catch (AnalysisLimitException limit)
        {
            Trace.Unknowns.Add(limit.Unknown);
        }
    }

    /// <summary>A parameter or buffer taking part in forward: a tensor over memory counted in its own row.</summary>
    public override Value ReadMember(Value value, IOperation at)
    {
        if (value is not TensorValue { Tensor: var slot }) return value;
        if (residentTensors.TryGetValue(slot, out var known)) return known;
        if (slot.PinShape() is not { } shape)
            return Record(new UnknownValue("the shape of a parameter or buffer used in forward", LocationInfo.From(at.Syntax)));
        var tensor = Trace.Allocate(new TensorShape(shape.Select(Dim.Of)), slot.TypeIn(Trace.ParameterElementType),
            slot.RequiresGrad && Trace.GradEnabled, isResident: true, parameter: slot);
        residentTensors[slot] = tensor;
        return tensor;
    }

    /// <summary>The pass's mode: the training step's forward, or the inference pass after <c>model.eval()</c>.</summary>
    protected override bool TrainingMode => Trace.Training;

    public override Value? ReadProperty(Value owner, IPropertySymbol property, IOperation at) =>
        owner is ActivationTensor tensor && TensorOps.Find(property.Name, TensorOpForms.Property) is { Forward: { } forward }
            ? forward(new TensorOpCall(this, property.Name, tensor, NewOp(property.Name, new Value[] { tensor }, null), null))
            : base.ReadProperty(owner, property, at);

    public override Value? Index(Value collection, IReadOnlyList<Value> indices, IOperation at) =>
        collection is ActivationTensor tensor
            ? TensorOps.Index(this, tensor, indices, LocationInfo.From(at.Syntax))
            : base.Index(collection, indices, at);

    /// <summary>Operators on tensors (+, -, *, /) and on sizes read from tensors.</summary>
    /// <summary><c>-x</c> runs the op whose record names the operator (neg).</summary>
    public override Value? Unary(UnaryOperatorKind kind, Value operand, IOperation at) =>
        operand is ActivationTensor tensor && TensorOps.FindUnaryOperator(kind) is { } rule
            ? RunMethod(rule.Name, tensor, new List<KeyValuePair<string, Value>>(), LocationInfo.From(at.Syntax))
            : base.Unary(kind, operand, at);

    public override Value? Arithmetic(BinaryOperatorKind kind, Value left, Value right, IOperation at) =>
        TensorArithmetic(kind, left, right, LocationInfo.From(at.Syntax)) ?? base.Arithmetic(kind, left, right, at);

    private Value? TensorArithmetic(BinaryOperatorKind kind, Value left, Value right, LocationInfo? location)
    {
        var op = TensorOps.FindOperator(kind)?.Id;
        // x + y fails the way x.add(y) does (a TBG003 where shapes do not broadcast), so it is caught the same way.
        try
        {
            if (op is { } comparison && TensorOps.IsComparison(comparison))
            {
                var name = TensorOps.Get(comparison).Name;
                if (left is ActivationTensor compared) return TensorOps.Compare(this, name, compared, right, location);
                if (right is ActivationTensor reversed) return TensorOps.Compare(this, name, reversed, left, location);
            }
            if (left is ActivationTensor self && op is { } onLeft) return TensorOps.Arithmetic(this, onLeft, self, right, location);
            if (right is ActivationTensor other && op is { } onRight) return TensorOps.Arithmetic(this, onRight, other, left, location);
            return (kind, left, right) switch
            {
                (BinaryOperatorKind.Multiply, DimValue d, IntValue i) => new DimValue(d.Dim.Times(Dim.Of(i.Pin()))),
                (BinaryOperatorKind.Multiply, IntValue i, DimValue d) => new DimValue(d.Dim.Times(Dim.Of(i.Pin()))),
                (BinaryOperatorKind.Divide, DimValue d, IntValue i) when d.Dim.DividedBy(Dim.Of(i.Pin())) is { } quotient => new DimValue(quotient),
                _ => null,
            };
        }
        catch (ShapeMismatchException mismatch)
        {
            return Mismatch(mismatch.Message, location, new[] { left, right });
        }
        catch (Exception e) when (e is UnknownArgumentException or InvalidLayerArgumentException or OverflowException or NotLinearInBatchException)
        {
            var name = op is { } known ? TensorOps.Get(known).Name : kind.ToString();
            return Record(e is UnknownArgumentException u ? u.Unknown : new UnknownValue($"{name}: {e.Message}", location));
        }
    }

    /// <summary>A module's forward: a user module's code, a Sequential's children in turn, or a layer's rule.</summary>
    public Value ApplyModule(ModuleInstance module, IReadOnlyList<Value> inputs, LocationInfo? callSite)
    {
        if (!Trace.InputShapes.ContainsKey(module) && DescribeArguments(inputs) is { } arguments) Trace.InputShapes[module] = arguments;
        if (!Trace.FirstCalls.ContainsKey(module)) Trace.FirstCalls[module] = Trace.FirstCalls.Count;
        Trace.Running.Push(module);
        Value result;
        try
        {
            if (Trace.Running.Count > InterpreterLimits.MaxModuleDepth)
            {
                throw new AnalysisLimitException(
                    new UnknownValue($"forward runs modules nested more than {InterpreterLimits.MaxModuleDepth} deep", callSite));
            }
            result = module.UserType is not null ? Host.CallUserForward(module, inputs, callSite)
                    ?? Record(new UnknownValue($"'{module.Kind}' has no forward taking {inputs.Count} argument(s) in source", callSite))
                : module.Kind == "Sequential" ? SequentialForward(module, inputs, callSite)
                : LayerForward(module, inputs, callSite);
        }
        finally
        {
            Trace.Running.Pop();
        }
        if (!Trace.OutputShapes.ContainsKey(module) && DescribeShape(result) is { } shape) Trace.OutputShapes[module] = shape;
        return result;
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
            if (i > 0 && current is ActivationTensor intermediate && !ReferenceEquals(intermediate, next)) Trace.Dispose(intermediate);
            if (next is UnknownValue) return next;
            current = next;
        }
        return current;
    }

    private Value LayerForward(ModuleInstance module, IReadOnlyList<Value> inputs, LocationInfo? callSite)
    {
        if (module.Unknowns.Count > 0) return module.Unknowns[0];
        if (inputs.FirstOrDefault(i => i is UnknownValue) is UnknownValue unknownInput) return unknownInput;
        var rule = LayerRules.Find(module.Kind);
        if (rule?.Forward is null || module.FactoryArguments is null)
        {
            return Record(new UnknownValue($"the forward of {module.Kind} (shape and memory) is not modeled yet", callSite ?? module.CreatedAt));
        }
        var call = new LayerCall(module.FactoryArguments, module, inputs, Trace) { CallSite = callSite ?? module.CreatedAt };
        if (call.FloatInputOfAnotherType() is { } mismatch) return Mismatch(mismatch, callSite ?? module.CreatedAt, inputs, module);
        var counted = Trace.MultiplyAccumulates.Count;
        var result = RunRule(rule.Forward, call, callSite ?? module.CreatedAt);
        if (module.Parameters.Count > 0 && Trace.MultiplyAccumulates.Count == counted && !rule.WeightsWithoutProducts)
        {
            Trace.MultiplyAccumulatesUnknown ??= $"the multiply-accumulates of {module.Kind} are not counted yet";
        }
        return result;
    }

    private static void MarkLayoutNotFollowed(Value result, IReadOnlyList<Value> inputs)
    {
        if (result is ActivationTensor tensor && !inputs.Contains(tensor)) tensor.LayoutNotFollowed = true;
        if (result is TupleValue tuple) foreach (var item in tuple.Items) MarkLayoutNotFollowed(item, inputs);
    }

    /// <summary>Runs a layer's forward rule, turning what it throws into TBG003 mismatches and unknowns.</summary>
    public Value RunRule(Func<LayerCall, Value> forward, LayerCall call, LocationInfo? location)
    {
        try
        {
            // A contiguous tensor whose size-1 dimensions' strides read as channels-last runs channels-last kernels too.
            var strided = call.Inputs.OfType<ActivationTensor>().FirstOrDefault(t => !t.IsContiguous || ReadsAsChannelsLast(t));
            var notFollowed = strided is not null && !LayerRules.FollowsStridedInputs(call.Args.Factory, strided, Trace.Decide);
            if (notFollowed)
            {
                call.MemoryNotModeled($"its input {strided!.Shape} is strided (a transposed, sliced or expanded view), "
                    + $"which was not measured for {call.Args.Factory}");
            }
            var result = forward(call);
            call.Record(result);
            if ((notFollowed || call.Inputs.OfType<ActivationTensor>().Any(t => t.LayoutNotFollowed))
                && LayerRules.Find(call.Args.Factory) is not { ResultContiguous: true })
                MarkLayoutNotFollowed(result, call.Inputs);
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

    private bool ReadsAsChannelsLast(ActivationTensor tensor) =>
        tensor.ExactStrides is { } exact && TensorLayout.IsChannelsLastLike(tensor.Shape, exact, Trace.Decide);

    /// <summary>Records a shape error; one fed only the profile's input (or views of it) is marked as the attribute's.</summary>
    public UnknownValue Mismatch(string message, LocationInfo? at, IEnumerable<Value> inputs, ModuleInstance? module = null)
    {
        var tensors = inputs.OfType<ActivationTensor>().ToList();
        var onInput = Trace.ProfileInput is { } input && tensors.Count > 0 && tensors.All(t => ReferenceEquals(t.Storage, input.Storage));
        Trace.Mismatches.Add(new ShapeMismatch(message, at, onInput, module));
        return new UnknownValue(message, at);
    }

    /// <summary>An unknown that affects the memory table.</summary>
    /// <summary>
    /// A tensor's handle disposed by <c>using</c>: its storage goes unless autograd saved it or a view shares it. What
    /// disposing anything else does (a DisposeScope frees what it holds) is not followed.
    /// </summary>
    public override void Dispose(Value value, IOperation at)
    {
        switch (value)
        {
            case ActivationTensor tensor:
                Trace.Dispose(tensor);
                break;
            case NullValue or ModuleValue or UnknownValue:
                break;
            default:
                Record(new UnknownValue($"what disposing {value.Describe()} at the end of a using frees is not modeled",
                    LocationInfo.From(at.Syntax)));
                break;
        }
    }

    public UnknownValue Record(UnknownValue unknown)
    {
        if (!Trace.Unknowns.Any(u => u.Reason == unknown.Reason && Equals(u.Location, unknown.Location))) Trace.Unknowns.Add(unknown);
        return unknown;
    }

    /// <summary>A tape node for a tensor op, named as it was called (its kind in the tape and in messages).</summary>
    public LayerCall NewOp(string name, IReadOnlyList<Value> inputs, LocationInfo? at) =>
        new(new LayerArgs(name, Array.Empty<KeyValuePair<string, Value>>()), new ModuleInstance(name, null, at), inputs, Trace);

    /// <summary>A tensor op that runs a layer's rule (flatten, softmax): a call of that layer with these arguments.</summary>
    public LayerCall NewLayerCall(string factory, ActivationTensor input, LocationInfo? at, params (string Name, Value Value)[] args) =>
        new(new LayerArgs(factory, args.Select(a => new KeyValuePair<string, Value>(a.Name, a.Value)).ToList()),
            new ModuleInstance(factory, null, at), new Value[] { input }, Trace);

    /// <summary>
    /// A module call's arguments as Verify reads them to call the layer on its own: one tensor as its shape, several as
    /// "([B, 8], null, true)" (tensors, nulls and flags) with their element types alike; null for any other argument.
    /// </summary>
    private static (string Shape, string ElementType)? DescribeArguments(IReadOnlyList<Value> inputs)
    {
        if (inputs is [ActivationTensor single]) return (single.Shape.ToString(), single.ElementType.ToString());
        var shapes = new List<string>();
        var types = new List<string>();
        foreach (var input in inputs)
        {
            var (shape, type) = input switch
            {
                ActivationTensor tensor => (tensor.Shape.ToString(), tensor.ElementType.ToString()),
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
}

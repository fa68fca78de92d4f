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
/// What TorchSharp's library means where the C# evaluator (<see cref="Interpreter"/>) meets it, in a constructor: layers
/// built by their factories (<see cref="LayerRules"/>), parameters and buffers, registration, module and container
/// methods. The evaluator calls these hooks at each member read, call, object creation, indexer, operator, property
/// write and foreach before its own C# rules; a hook returns null (false) where the construct is plain C#. Forward runs
/// with <see cref="ForwardSemantics"/>, which adds activations and the autograd tape to these.
/// </summary>
internal partial class TorchSemantics(ISemanticsHost host, TorchSharpSymbols torch)
{
    protected ISemanticsHost Host { get; } = host;

    protected TorchSharpSymbols Torch { get; } = torch;

    /// <summary>A field or property just read; forward turns a parameter or buffer into the tensor it computes with.</summary>
    public virtual Value ReadMember(Value value, IOperation at) => value;

    /// <summary>TensorIndex.Colon, .Ellipsis and .None (fields or properties).</summary>
    public Value? ReadStatic(ISymbol member) =>
        member.IsStatic && member.ContainingType?.Name == "TensorIndex" && member.Name is "Colon" or "Ellipsis" or "None"
            ? new TensorIndexValue(member.Name)
            : null;

    /// <summary>A container's Count, a layer's parameters as properties (weight, bias, ...), a tensor's requires_grad.</summary>
    /// <summary>What a module's <c>training</c> reads: modules are built in training mode.</summary>
    protected virtual bool TrainingMode => true;

    public virtual Value? ReadProperty(Value owner, IPropertySymbol property, IOperation at) => owner switch
    {
        ModuleValue when property.Name == "training" && Torch.IsModule(property.ContainingType) => BoolValue.Of(TrainingMode),
        ModuleValue { Module: { UserType: null } container } when property.Name == "Count" => new IntValue(container.Children.Count),
        ModuleValue { Module: { UserType: null } layer } => layer.Parameters.FirstOrDefault(p => p.Key == property.Name).Value is { } parameter
            ? new TensorValue(parameter)
            // A layer built without a bias (hasBias: false, bias: false) returns null for it.
            : property.Name == "bias" && layer.Unknowns.Count == 0 && LayerRules.Find(layer.Kind) is not null
                && layer.Parameters.Any(p => p.Key == "weight") ? NullValue.Instance
            : Unknown($"'{layer.Kind}.{property.Name}' is not modeled", at),
        TensorValue tensor when property.Name == "requires_grad" => BoolValue.Of(tensor.Tensor.RequiresGrad),
        TensorValue tensor when property.Name == "shape" => tensor.Tensor.PinShape() is { } shape
            ? new ListValue(shape.Select(d => (Value)new IntValue(d)).ToList())
            : Unknown("the shape of a tensor the constructor made", at),
        _ => null,
    };

    /// <summary>A call, before the evaluator runs a method in source: forward's module calls and tensor ops.</summary>
    public virtual Value? Invoke(IInvocationOperation invocation, Value? receiver, CallArguments arguments)
    {
        // A constructor calling a module on a tensor of its own (a dummy input) to learn the size of what comes out.
        if (invocation.TargetMethod.Name is not ("forward" or "call") || receiver is not ModuleValue { Module: var module }) return null;
        var inputs = arguments.ByName().Select(a => a.Value).ToList();
        if (inputs.Count == 0 || !inputs.All(i => i is TensorValue)) return null;
        return Host.DummyForward(module, inputs.Cast<TensorValue>().Select(t => t.Tensor).ToList(), LocationInfo.From(invocation.Syntax));
    }

    /// <summary>A <c>using</c> disposes <paramref name="value"/> (its scope ended). A constructor's disposals change no count.</summary>
    public virtual void Dispose(Value value, IOperation at) { }

    /// <summary>A call of TorchSharp's own code: factories, module, container and parameter-tensor methods.</summary>
    public Value? InvokeLibrary(IInvocationOperation invocation, Value? receiver, CallArguments arguments, ModuleInstance? self)
    {
        var method = invocation.TargetMethod;
        var containing = method.ContainingType;
        if (SymbolEqualityComparer.Default.Equals(containing, Torch.Nn)) return CallNnFactory(method, invocation, arguments);
        if (SymbolEqualityComparer.Default.Equals(containing, Torch.Torch) && TensorFactories.IsFactory(method.Name))
        {
            return TensorFactories.Create(method, arguments.ByName(), invocation);
        }
        // torch.tril(t), torch.sin(t): a tensor of t's shape and type (a causal mask, a positional table's values).
        if (SymbolEqualityComparer.Default.Equals(containing, Torch.Torch) && TensorFactories.KeepsShape(method.Name)
            && arguments.Count > 0 && arguments.Evaluate(0) is var first && first is TensorValue or UnknownValue)
        {
            return first is TensorValue source ? TensorFactories.SameShape(source.Tensor) : first;
        }
        // torch.pow(10000.0, exponents): a number raised elementwise, the exponents' shape in a floating type (a rotary table's
        // frequencies). No forward rule takes a number first.
        if (SymbolEqualityComparer.Default.Equals(containing, Torch.Torch) && method.Name == "pow"
            && arguments.ByName() is [{ Value: IntValue or RealValue }, { Value: TensorValue { Tensor: var exponents } }])
        {
            var type = exponents.ElementType is { } own && own.IsFloating() ? own : (ScalarType?)null;
            return new TensorValue(new TensorSlot(exponents.PinElementCount(), isParameter: false, type, exponents.PinShape()));
        }
        // torch.outer(t, f), torch.cat(...): forward's rule on tensors the constructor made.
        if (SymbolEqualityComparer.Default.Equals(containing, Torch.Torch) && receiver is null && Torch.IsTensor(method.ReturnType)
            && arguments.ByName().Select(a => a.Value).SelectMany(v => v is ListValue list ? list.Items : new List<Value> { v }) is var values
            && values.Any(v => v is TensorValue or UnknownValue))
        {
            return values.OfType<UnknownValue>().FirstOrDefault()
                ?? Host.ConstructorOp(method, null, null, arguments.ByName(), LocationInfo.From(invocation.Syntax));
        }
        switch (receiver)
        {
            case UnknownValue unknown:
                return unknown;
            case ModuleValue module:
                return CallModuleMethod(module.Module, invocation, arguments);
            case TensorValue tensor:
                return CallTensorMethod(tensor, invocation, arguments, self);
        }
        switch (containing?.ToDisplayString(), method.Name)
        {
            // module.to(device), .cuda(), .half(): extension methods that return the same module.
            case ("TorchSharp.ModuleExtensionMethods", _):
                var args = arguments.ByName();
                if (args.Count > 0 && args[0].Value is ModuleValue same) return same;
                return args.Select(a => a.Value).OfType<UnknownValue>().FirstOrDefault()
                    ?? Unknown($"'{containing!.Name}.{method.Name}' is not modeled", invocation);
            case ("TorchSharp.torch.TensorIndex", "Single" or "Slice"):
                var bounds = arguments.ByName().Select(a => a.Value).ToList();
                if (bounds.OfType<UnknownValue>().FirstOrDefault() is { } unknownBound) return unknownBound;
                if (method.Name == "Single" && bounds is [IntValue position]) return position;
                if (method.Name == "Slice" && bounds.All(a => a is IntValue or NullValue))
                {
                    IntValue? Bound(int i) => i < bounds.Count && bounds[i] is IntValue bound ? bound : null;
                    return new TensorIndexValue("Slice", Bound(0), Bound(1), Bound(2));
                }
                return Unknown($"'{containing!.Name}.{method.Name}' is not modeled", invocation);
        }
        return null;
    }

    /// <summary><c>new Linear(...)</c>, <c>new Parameter(...)</c>: TorchSharp objects built by their constructors.</summary>
    public Value? Create(IObjectCreationOperation creation, INamedTypeSymbol type, CallArguments arguments)
    {
        if (Torch.IsModule(type) && !type.Locations.Any(l => l.IsInSource) && LayerRules.Find(type.Name) is not null)
        {
            return BuildLayer(type.Name, arguments.ByName(), creation);
        }
        if (Torch.IsParameter(type))
        {
            var parameterArgs = arguments.ByName();
            return MakeParameter(parameterArgs.FirstOrDefault().Value, parameterArgs.Skip(1).FirstOrDefault().Value, creation);
        }
        return null;
    }

    /// <summary>A container's child by position or name.</summary>
    public virtual Value? Index(Value collection, IReadOnlyList<Value> indices, IOperation at) =>
        collection is ModuleValue { Module: { UserType: null } module } && indices.Count == 1
            ? indices[0] switch
            {
                IntValue position when position.Pin() >= 0 && position.Pin() < module.Children.Count =>
                    new ModuleValue(module.Children[(int)position.Pin()].Value),
                StringValue name when module.Children.Any(c => c.Key == name.Text) =>
                    new ModuleValue(module.Children.First(c => c.Key == name.Text).Value),
                _ => Unknown($"'{module.Kind}[{indices[0].Describe()}]' is not a registered child", at),
            }
            : null;

    /// <summary>
    /// dict[key] = module on a ModuleDict; a write into a tensor by index (a positional-encoding table filled in the
    /// constructor), which changes its values, never its shape, type or registration; false for any other indexed write.
    /// </summary>
    public bool SetIndex(Value collection, IReadOnlyList<Value> indices, Value value)
    {
        if (collection is TensorValue) return true;
        if (collection is not ModuleValue { Module: { UserType: null } module } || indices.Count != 1 || indices[0] is not StringValue key
            || value is not ModuleValue child)
        {
            return false;
        }
        module.Children.RemoveAll(c => c.Key == key.Text);
        module.AddChild(key.Text, child.Module);
        return true;
    }

    /// <summary>A unary operator on a tensor (<c>-x</c>); null where the operand is not one this mode follows.</summary>
    public virtual Value? Unary(UnaryOperatorKind kind, Value operand, IOperation at) =>
        kind is UnaryOperatorKind.Minus && operand is TensorValue tensor ? TensorFactories.SameShape(tensor.Tensor) : null;

    /// <summary>
    /// Operators on tensors in a constructor: a parameter's initial values combined with a number, or two tensors by
    /// forward's rule on their fixed shapes (broadcasting).
    /// </summary>
    public virtual Value? Arithmetic(BinaryOperatorKind kind, Value left, Value right, IOperation at) =>
        (left, right) is (TensorValue, TensorValue)
            ? Host.ConstructorOp(null, kind, null, new() { new("left", left), new("right", right) }, LocationInfo.From(at.Syntax))
        : kind is BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide
        && (left, right) is (TensorValue, IntValue or RealValue) or (IntValue or RealValue, TensorValue)
        && (left as TensorValue ?? right as TensorValue) is { } tensor
            // A new tensor of the same size, in the type forward's rule gives it (a real number makes an integral one Float32).
            ? new TensorValue(new TensorSlot(tensor.Tensor.PeekElementCount, isParameter: false, PromotedByNumber(kind, tensor, left, right),
                tensor.Tensor.PeekShape) { CountForm = tensor.Tensor.CountForm })
            : null;

    /// <summary>The type of a constructor's tensor (op) a number, as forward's rule gives it; null: made in the default dtype.</summary>
    private static ScalarType? PromotedByNumber(BinaryOperatorKind kind, TensorValue tensor, Value left, Value right) =>
        tensor.Tensor.ElementType is { } own
            ? Ops.TensorOps.WithNumber(Ops.TensorOps.FindOperator(kind)!.Id, own, ReferenceEquals(left, tensor) ? right : left)
            : null;

    /// <summary>
    /// A property write on a TorchSharp object: <c>requires_grad</c>, or a layer's parameter replaced
    /// (<c>layer.weight = Parameter(...)</c>). Other settable properties of TorchSharp objects (training mode, names) do
    /// not change what is registered.
    /// </summary>
    public void AssignProperty(Value? owner, IPropertySymbol property, Value value, IOperation at, ModuleInstance? self)
    {
        switch (owner)
        {
            case TensorValue tensor when property.Name == "requires_grad":
                if (value is BoolValue flag) tensor.Tensor.RequiresGrad = flag.Flag;
                else self?.Unknowns.Add(Unknown("whether a parameter is frozen is not known at compile time", at, value));
                return;
            case UnknownValue unknown when property.Name == "requires_grad":
                self?.Unknowns.Add(unknown);
                return;
            case ModuleValue { Module: { UserType: null } layer } when layer.Parameters.Any(p => p.Key == property.Name):
                var index = layer.Parameters.FindIndex(p => p.Key == property.Name);
                switch (value)
                {
                    case TensorValue { Tensor.IsParameter: true } replacement:
                        layer.Parameters[index] = new(property.Name, replacement.Tensor);
                        break;
                    case NullValue:
                        layer.Parameters.RemoveAt(index);
                        break;
                    default:
                        layer.Unknowns.Add(Unknown($"'{layer.Kind}.{property.Name}' is assigned a value the analysis does not know", at, value));
                        break;
                }
                return;
        }
    }

    /// <summary>The items of parameters(), named_parameters(), a ModuleDict or another container.</summary>
    public Value? Enumerate(Value collection) => collection switch
    {
        ParameterListValue parameters => new ListValue(Registration.NamedParameters(parameters.Owner)
            .Select(p => parameters.Named
                ? new TupleValue(new Value[] { new StringValue(p.Key), new TensorValue(p.Value) })
                : (Value)new TensorValue(p.Value))
            .ToList()),
        ModuleValue { Module: { UserType: null, Kind: "ModuleDict" } dict } => new ListValue(dict.Children
            .Select(c => (Value)new TupleValue(new Value[] { new StringValue(c.Key), new ModuleValue(c.Value) }))
            .ToList()),
        ModuleValue { Module: { UserType: null } module } => new ListValue(module.Children.Select(c => (Value)new ModuleValue(c.Value)).ToList()),
        _ => null,
    };

    protected static UnknownValue Unknown(string reason, IOperation? at, Value? cause = null) =>
        cause as UnknownValue ?? new UnknownValue(reason, LocationInfo.From(at?.Syntax));
}

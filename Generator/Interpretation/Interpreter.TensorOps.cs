using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Interpretation;

/// <summary>Tensor methods, torch.* functions, functional.* and operators on tensors during the symbolic forward pass.</summary>
internal sealed partial class Interpreter
{
    /// <summary>Returns null when the call is not a tensor operation of the forward pass.</summary>
    private Value? InvokeDuringForward(IInvocationOperation invocation, Value? receiver, Frame frame)
    {
        var method = invocation.TargetMethod;
        var at = LocationInfo.From(invocation.Syntax);
        if (receiver is ModuleValue module && IsForwardCall(method))
        {
            return ApplyModule(module.Module,
                invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(a => Evaluate(a.Value, frame)).ToList(), at);
        }
        var containing = method.ContainingType;
        if (receiver is ActivationTensor tensor)
        {
            return TensorOperation(method.Name, tensor, BindArgumentsByName(invocation, frame), at);
        }
        if (SymbolEqualityComparer.Default.Equals(containing, torch.Functional) && LayerRules.FindFunctional(method.Name) is { } layerRule)
        {
            var layer = layerRule.Factory;
            // Each argument is evaluated once: evaluating allocates.
            var args = BindArgumentsByName(invocation, frame);
            if (FirstLost(args) is { } lostArgument) return lostArgument;
            bool IsTensorParameter(KeyValuePair<string, Value> a) =>
                method.Parameters.FirstOrDefault(p => p.Name == a.Key) is { } p && torch.IsTensor(p.Type);
            var tensors = args.Where(IsTensorParameter).Select(a => a.Value).ToList();
            var options = args.Where(a => !IsTensorParameter(a)).ToList();
            var call = new LayerCall(new LayerArgs(layer, options), new ModuleInstance(layer, null, at), tensors, trace!);
            return layerRule.Forward is { } rule ? RunRule(rule, call, at)
                : Record(new UnknownValue($"functional.{method.Name} is not modeled", at));
        }
        if (SymbolEqualityComparer.Default.Equals(containing, torch.Torch) && invocation.Arguments.FirstOrDefault() is { } first)
        {
            var args = BindArgumentsByName(invocation, frame);
            if (FirstLost(args) is { } lostArgument) return lostArgument;
            switch (method.Name)
            {
                case "zeros" or "ones" or "empty" or "randn" or "rand" or "full":
                    return NewTensorInForward(method, args, at);
                case "cat" or "concat" or "concatenate" or "stack":
                    return Concatenate(method.Name == "stack", args[0].Value, args.Count > 1 ? args[1].Value : new IntValue(0), at);
                case var name when args.Count > 0 && args[0].Value is ActivationTensor self:
                    return TensorOperation(name, self, args.Skip(1).ToList(), at);
            }
        }
        if (containing?.SpecialType == SpecialType.None && torch.IsTensor(method.ReturnType) && !IsInSource(method)
            && (SymbolEqualityComparer.Default.Equals(containing, torch.Functional)
                || SymbolEqualityComparer.Default.Equals(containing, torch.Torch)))
        {
            return Record(new UnknownValue($"{containing.Name}.{method.Name} is not modeled in forward yet", at));
        }
        return null;
    }

    /// <summary>
    /// An argument the analysis already lost (an unmodeled call, a shape error): the call hands that cause on, so TBG004
    /// names the first construct it could not follow rather than every modeled call after it.
    /// </summary>
    private static UnknownValue? FirstLost(List<KeyValuePair<string, Value>> args) =>
        args.Select(a => a.Value).OfType<UnknownValue>().FirstOrDefault()
        ?? args.Select(a => a.Value).OfType<ListValue>().SelectMany(l => l.Items).OfType<UnknownValue>().FirstOrDefault();

    private Value TensorOperation(string name, ActivationTensor self, List<KeyValuePair<string, Value>> args, LocationInfo? at)
    {
        Value Arg(int index) => index < args.Count ? args[index].Value : NullValue.Instance;
        var op = NewOp(name, new Value[] { self }, at);
        try
        {
            switch (name)
            {
                case "view" or "reshape":
                    var target = Reshape(self.Shape, Arg(0), op);
                    return name == "view" ? ViewOrThrow(self, target, op) : ReshapeOrCopy(self, target, at);
                case "flatten":
                    return RunRule(LayerRules.Find("Flatten")!.Forward!, NewLayerCall("Flatten", self, at,
                        ("start_dim", Arg(0) is NullValue ? new IntValue(0) : Arg(0)),
                        ("end_dim", Arg(1) is NullValue ? new IntValue(-1) : Arg(1))), at);
                case "transpose" or "swapaxes" when Arg(0) is IntValue a && Arg(1) is IntValue b:
                    var first = self.Shape.Axis(a.Pin()) ?? throw op.Mismatch($"dim {a.Pin()} is outside {self.Shape}");
                    var second = self.Shape.Axis(b.Pin()) ?? throw op.Mismatch($"dim {b.Pin()} is outside {self.Shape}");
                    return trace!.Permute(self,
                        Enumerable.Range(0, self.Shape.Rank).Select(i => i == first ? second : i == second ? first : i).ToList());
                case "t" when self.Shape.Rank == 2:
                    return trace!.Permute(self, new[] { 1, 0 });
                case "permute" when Arg(0) is ListValue order && order.Items.All(i => i is IntValue) && order.Items.Count == self.Shape.Rank:
                    var axes = order.Items
                        .Select(i => self.Shape.Axis(((IntValue)i).Pin()) ?? throw op.Mismatch($"permute({order.Describe()}) of {self.Shape}"))
                        .ToList();
                    if (axes.Distinct().Count() != axes.Count) throw op.Mismatch($"permute({order.Describe()}) repeats a dimension");
                    return trace!.Permute(self, axes);
                case "unsqueeze" when Arg(0) is IntValue dim:
                    var insertAt = dim.Pin() < 0 ? dim.Pin() + self.Shape.Rank + 1 : dim.Pin();
                    if (insertAt < 0 || insertAt > self.Shape.Rank) throw op.Mismatch($"unsqueeze({dim.Pin()}) of {self.Shape}");
                    return Unsqueeze(self, (int)insertAt);
                case "squeeze":
                    return Squeeze(self, Arg(0), op);
                case "contiguous":
                    return self.IsContiguous ? self : ContiguousCopy(self, self.Shape, at);
                case "clone":
                    op.Backward(BackwardRules.PassThrough(self));
                    return Recorded(op, op.Output(self.Shape, strides: TensorLayout.PreservedLike(self.Shape, self.Strides, trace!.Decide)));
                case "detach":
                    return new ActivationTensor(self.Shape, self.ElementType, self.Storage, requiresGrad: false, self.Strides);
                case "to" when Arg(0) is EnumValue { MemberName: { } type }:
                    return type == self.ElementType ? self
                        : Recorded(op, op.Output(self.Shape, type, TensorLayout.PreservedLike(self.Shape, self.Strides, trace!.Decide)));
                case "size" when Arg(0) is IntValue axis:
                    return DimAsValue(self.Shape[self.Shape.Axis(axis.Pin()) ?? throw op.Mismatch($"size({axis.Pin()}) of {self.Shape}")]);
                case "dim":
                    return new IntValue(self.Shape.Rank);
                case "mean" or "sum" or "amax" or "amin":
                    return Recorded(op, Reduce(name, self, Arg(0), Arg(1) is BoolValue { Flag: true }, op));
                case "relu" or "sigmoid" or "tanh" or "exp" or "sqrt" or "relu_" or "sigmoid_" or "tanh_":
                    var inPlace = name.EndsWith("_", StringComparison.Ordinal);
                    var result = inPlace ? self : op.PointwiseOutput(self.Shape, new[] { self });
                    op.Save(result);
                    // sqrt's backward: grad / (2 * result), the doubled result a tensor of its own.
                    op.Backward(name == "sqrt" ? BackwardRules.Pointwise(self, 2, scalarWith: 0) : BackwardRules.Pointwise(self, 1));
                    return Recorded(op, result);
                case "log" or "pow" or "abs" or "neg" or "square":
                    op.Save(self);
                    op.Backward(name switch
                    {
                        "pow" or "square" => BackwardRules.Pointwise(self, 3, scalarWith: 1),
                        "abs" => BackwardRules.Pointwise(self, 2),
                        _ => BackwardRules.Pointwise(self, 1),
                    });
                    return Recorded(op, op.PointwiseOutput(self.Shape, new[] { self }));
                case "softmax" or "log_softmax":
                    return RunRule(LayerRules.Find(name == "softmax" ? "Softmax" : "LogSoftmax")!.Forward!,
                        NewLayerCall("Softmax", self, at, ("dim", Arg(0))), at);
                case "add" or "sub" or "mul" or "div":
                    return TensorArithmetic(name, self, Arg(0), at);
                case "matmul":
                    return Matmul(self, Arg(0), op, at);
                case "mm" or "bmm":
                    return PlainProduct(name, self, Arg(0), op, at);
                case "expand" when Arg(0) is ListValue sizes:
                    if (sizes.Items.Count < self.Shape.Rank) throw op.Mismatch($"expand({sizes.Describe()}) of {self.Shape} has fewer dimensions");
                    var expanded = sizes.Items
                        .Select((s, i) => IsInferredSize(s) ? self.Shape[i - (sizes.Items.Count - self.Shape.Rank)] : ToDim(s, op))
                        .ToList();
                    return Expand(self, expanded);
                case "masked_fill":
                    return Recorded(op, op.Output(self.Shape, strides: TensorLayout.PreservedLike(self.Shape, self.Strides, trace!.Decide)));
                default:
                    return Record(new UnknownValue($"tensor method '{name}' is not modeled in forward yet", at));
            }
        }
        catch (ShapeMismatchException mismatch)
        {
            return Mismatch(mismatch.Message, at, args.Select(a => a.Value).Prepend(self));
        }
        catch (Exception e) when (e is UnknownArgumentException or InvalidLayerArgumentException or OverflowException or NotLinearInBatchException)
        {
            return Record(e is UnknownArgumentException u ? u.Unknown : new UnknownValue($"{name}: {e.Message}", at));
        }
    }

    /// <summary>torch.zeros(batch, hidden) and the like inside forward: new tensors that need no grad.</summary>
    private Value NewTensorInForward(IMethodSymbol method, List<KeyValuePair<string, Value>> args, LocationInfo? at)
    {
        var dims = new List<Dim>();
        foreach (var argument in args)
        {
            var parameter = method.Parameters.FirstOrDefault(p => p.Name == argument.Key);
            if (parameter is null || argument.Key is "dtype" or "device" or "requires_grad" or "names" or "value" or "fill_value") continue;
            switch (argument.Value)
            {
                case IntValue size when size.Pin() >= 0: dims.Add(Dim.Of(size.Pin())); break;
                case DimValue size: dims.Add(size.Dim); break;
                case ListValue sizes when sizes.Items.All(s => s is IntValue or DimValue):
                    dims.AddRange(sizes.Items.Select(s => s is DimValue d ? d.Dim : Dim.Of(((IntValue)s).Pin())));
                    break;
                case UnknownValue unknown: return Record(unknown);
                case var _ when parameter.Type.SpecialType is SpecialType.System_Int64 or SpecialType.System_Int32
                    || parameter.Type is IArrayTypeSymbol:
                    return Record(new UnknownValue($"the shape of torch.{method.Name}(...)", at));
            }
        }
        var type = args.FirstOrDefault(a => a.Key == "dtype").Value is EnumValue { MemberName: { } explicitType } ? explicitType : "Float32";
        return trace!.Allocate(new TensorShape(dims), type, requiresGrad: false);
    }

    private static Value Recorded(LayerCall op, Value result, bool passesGradientThrough = false)
    {
        op.Record(result, passesGradientThrough);
        return result;
    }

    private LayerCall NewOp(string name, IReadOnlyList<Value> inputs, LocationInfo? at) =>
        new(new LayerArgs(name, Array.Empty<KeyValuePair<string, Value>>()), new ModuleInstance(name, null, at), inputs, trace!);

    private LayerCall NewLayerCall(string factory, ActivationTensor input, LocationInfo? at, params (string Name, Value Value)[] args) =>
        new(new LayerArgs(factory, args.Select(a => new KeyValuePair<string, Value>(a.Name, a.Value)).ToList()),
            new ModuleInstance(factory, null, at), new Value[] { input }, trace!);

    private static Value DimAsValue(Dim dim) => dim.IsConstant() ? new IntValue(dim.PinCoefficient()) : new DimValue(dim);

    private static Dim ToDim(Value value, LayerCall op) => value switch
    {
        IntValue i when i.Pin() >= 0 => Dim.Of(i.Pin()),
        DimValue d => d.Dim,
        UnknownValue unknown => throw new UnknownArgumentException(unknown),
        var other => throw op.Mismatch($"{other.Describe()} is not a size"),
    };

    /// <summary>A -1 in view/reshape/expand sizes: inferred (reading a size pins it, as any use of its value does).</summary>
    private static bool IsInferredSize(Value size) => size is IntValue number && number.Pin() == -1;

    /// <summary>view/reshape: one -1 is inferred from the element count; otherwise the counts must agree.</summary>
    private static TensorShape Reshape(TensorShape from, Value sizes, LayerCall op)
    {
        var items = sizes is ListValue list ? list.Items : new List<Value> { sizes };
        var inferred = items.Count(IsInferredSize);
        if (inferred > 1) throw op.Mismatch("only one dimension can be -1");
        var known = items.Where(i => !IsInferredSize(i)).Select(i => ToDim(i, op)).ToList();
        var knownCount = known.Aggregate(Dim.Of(1), (a, b) => a.Times(b));
        var total = from.ElementCount;
        var text = "(" + string.Join(", ", items.Select(i => i.Describe())) + ")";
        if (inferred == 1)
        {
            var missing = total.DividedBy(knownCount) ?? throw op.Mismatch($"cannot view {from} ({total} elements) as {text}");
            return new TensorShape(items.Select(i => IsInferredSize(i) ? missing : ToDim(i, op)));
        }
        if (knownCount != total) throw op.Mismatch($"cannot view {from} ({total} elements) as {text} ({knownCount} elements)");
        return new TensorShape(known);
    }

    private Value Reduce(string name, ActivationTensor self, Value dims, bool keepDim, LayerCall op)
    {
        var axes = dims switch
        {
            NullValue => Enumerable.Range(0, self.Shape.Rank).ToList(),
            IntValue single =>
                new List<int> { self.Shape.Axis(single.Pin()) ?? throw op.Mismatch($"{name} over dim {single.Pin()} of {self.Shape}") },
            ListValue many => many.Items
                .Select(d => d is IntValue i
                    ? self.Shape.Axis(i.Pin()) ?? throw op.Mismatch($"{name} over dim {i.Pin()} of {self.Shape}")
                    : throw op.Mismatch($"{name} over {d.Describe()}"))
                .ToList(),
            _ => throw op.Mismatch($"{name} over {dims.Describe()}"),
        };
        var shape = new TensorShape(self.Shape.Dims.Select((d, i) => axes.Contains(i) ? (keepDim ? Dim.Of(1) : (Dim?)null) : d)
            .Where(d => d is not null).Select(d => d!.Value));
        var result = op.Output(shape);
        if (name is "amax" or "amin")
        {
            op.Save(self);
            op.Save(result);
        }
        op.Backward(name switch
        {
            "amax" or "amin" => BackwardRules.Extremum(self, result, axes),
            "mean" => BackwardRules.Mean(self),
            _ => BackwardRules.Sum(self, axes),
        });
        return result;
    }

    private Value TensorArithmetic(string name, ActivationTensor self, Value other, LocationInfo? at)
    {
        var op = NewOp(name, other is ActivationTensor ? new Value[] { self, other } : new Value[] { self }, at);
        if (other is UnknownValue unknown) return unknown;
        if (other is not ActivationTensor tensor)
        {
            op.Backward(name is "add" or "sub" ? BackwardRules.PassThrough(self) : BackwardRules.Pointwise(self, 1, scalarWith: 0));
            return Recorded(op, op.PointwiseOutput(self.Shape, new[] { self }));
        }
        var shape = Broadcast(self.Shape, tensor.Shape, op);
        var result = op.PointwiseOutput(shape, new[] { self, tensor });
        // mul keeps each operand the other's gradient needs; div keeps the divisor, and the dividend for the divisor's.
        if (name == "mul" && tensor.RequiresGrad) op.Save(self);
        if (name == "mul" && self.RequiresGrad) op.Save(tensor);
        if (name == "div" && (self.RequiresGrad || tensor.RequiresGrad)) op.Save(tensor);
        if (name == "div" && tensor.RequiresGrad) op.Save(self);
        op.Backward(BackwardRules.Binary(name, self, tensor, result));
        return Recorded(op, result);
    }

    private static TensorShape Broadcast(TensorShape left, TensorShape right, LayerCall op)
    {
        var rank = Math.Max(left.Rank, right.Rank);
        var dims = new Dim[rank];
        for (var i = 0; i < rank; i++)
        {
            var l = i < rank - left.Rank ? Dim.Of(1) : left[i - (rank - left.Rank)];
            var r = i < rank - right.Rank ? Dim.Of(1) : right[i - (rank - right.Rank)];
            dims[i] = l == r || r == Dim.Of(1) ? l : l == Dim.Of(1) ? r : throw op.Mismatch($"shapes {left} and {right} do not broadcast");
        }
        return new TensorShape(dims);
    }

    private Value Concatenate(bool stack, Value tensors, Value dim, LocationInfo? at)
    {
        var op = NewOp(stack ? "stack" : "cat", Array.Empty<Value>(), at);
        try
        {
            if (Enumerate(tensors, null!) is not ListValue list || list.Items.Count == 0)
                return Record(new UnknownValue("cat/stack of an unknown list", at));
            if (list.Items.FirstOrDefault(i => i is not ActivationTensor) is { } notTensor)
                return notTensor is UnknownValue u ? u : Record(new UnknownValue($"cat/stack of {notTensor.Describe()}", at));
            var parts = list.Items.Cast<ActivationTensor>().ToList();
            var call = NewOp(stack ? "stack" : "cat", parts, at);
            var first = parts[0].Shape;
            if (dim is not IntValue d) return Record(new UnknownValue("cat/stack along an unknown dimension", at));
            if (stack)
            {
                if (parts.Any(p => p.Shape != first))
                    throw op.Mismatch($"stack needs equal shapes, got {string.Join(", ", parts.Select(p => p.Shape))}");
                var axis = d.Pin() < 0 ? d.Pin() + first.Rank + 1 : d.Pin();
                call.Backward(BackwardRules.Concatenation(parts, (int)axis));
                var stacked = new TensorShape(first.Dims.Take((int)axis).Append(Dim.Of(parts.Count)).Concat(first.Dims.Skip((int)axis)));
                var (strides, exact) = StackLayout(stacked, parts, (int)axis);
                return Recorded(call, call.Output(stacked, strides: strides, exact: exact));
            }
            var catAxis = first.Axis(d.Pin()) ?? throw op.Mismatch($"cat along dim {d.Pin()} of {first}");
            var total = parts.Select(p => p.Shape[catAxis]).Aggregate((a, b) => a.BatchPower == b.BatchPower
                ? new Dim(checked(a.PinCoefficient() + b.PinCoefficient()), a.BatchPower)
                : throw op.Mismatch("cat of batch and non-batch sizes"));
            call.Backward(BackwardRules.Concatenation(parts, catAxis));
            var joined = first.With(catAxis, total);
            return Recorded(call, call.Output(joined, strides: CatLayout(joined, parts.Select(p => (p.Shape, TensorLayout.ExactStridesOf(p))))));
        }
        catch (ShapeMismatchException mismatch)
        {
            return Mismatch(mismatch.Message, at, Array.Empty<Value>());
        }
    }

    /// <summary>
    /// cat's result layout (compute_output_memory_format): channels-last when every input suggests it (4-d or 5-d),
    /// else contiguous (null).
    /// </summary>
    private IReadOnlyList<Dim>? CatLayout(TensorShape result, IEnumerable<(TensorShape Shape, IReadOnlyList<Dim> Strides)> inputs) =>
        inputs.All(i => TensorLayout.IsChannelsLastLike(i.Shape, i.Strides, trace!.Decide)) ? TensorLayout.ChannelsLastStrides(result) : null;

    /// <summary>
    /// stack's result layout: ATen stacks along an existing dimension as cat along it and a view that splits it, so the
    /// result is cat's layout viewed (channels-last where every part is, measured: two [1, 3, 1, 2] channels-last parts
    /// stacked along 2 give [1, 3, 2, 1, 2] channels-last); along a new last dimension it is cat of the unsqueezed parts.
    /// </summary>
    private (IReadOnlyList<Dim>? Strides, IReadOnlyList<Dim>? Exact) StackLayout(TensorShape stacked, IReadOnlyList<ActivationTensor> parts, int axis)
    {
        var first = parts[0].Shape;
        if (axis == first.Rank)
        {
            var unsqueezed = new TensorShape(first.Dims.Append(Dim.Of(1)));
            return (CatLayout(stacked,
                parts.Select(p => (unsqueezed, TensorLayout.Unsqueezed(p.Shape, TensorLayout.ExactStridesOf(p), axis)))), null);
        }
        var joined = first.With(axis, first[axis].Times(Dim.Of(parts.Count)));
        if (CatLayout(joined, parts.Select(p => (p.Shape, TensorLayout.ExactStridesOf(p)))) is not { } catStrides) return (null, null);
        // Splitting one dimension in two is always a view.
        TensorLayout.TryView(joined, catStrides, stacked, trace!.Decide, out var strides, out var exact);
        return (strides, exact);
    }

    /// <summary>Operators on tensors (+, -, *, /) and on sizes read from tensors.</summary>
    private Value? ForwardArithmetic(BinaryOperatorKind kind, Value left, Value right, IOperation at)
    {
        var name = kind switch
        {
            BinaryOperatorKind.Add => "add",
            BinaryOperatorKind.Subtract => "sub",
            BinaryOperatorKind.Multiply => "mul",
            BinaryOperatorKind.Divide => "div",
            _ => null,
        };
        var location = LocationInfo.From(at.Syntax);
        // x + y fails the way x.add(y) does (a TBG003 where shapes do not broadcast), so it is caught the same way.
        try
        {
            if (left is ActivationTensor self && name is not null) return TensorArithmetic(name, self, right, location);
            if (right is ActivationTensor other && name is not null) return TensorArithmetic(name, other, left, location);
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
            return Record(e is UnknownArgumentException u ? u.Unknown : new UnknownValue($"{name ?? kind.ToString()}: {e.Message}", location));
        }
    }

    /// <summary>tensor[...]: integers select (the dimension goes), Colon keeps, Slice narrows, None adds a 1, Ellipsis fills; a view.</summary>
    private Value IndexTensor(ActivationTensor tensor, IReadOnlyList<Value> indices, LocationInfo? at)
    {
        var op = NewOp("index", new Value[] { tensor }, at);
        // tensor[params TensorIndex[]] arrives as one array.
        if (indices is [ListValue packed]) indices = packed.Items;
        try
        {
            var consuming = indices.Count(i => i is not TensorIndexValue { Kind: "None" or "Ellipsis" });
            if (consuming > tensor.Shape.Rank) throw op.Mismatch($"{consuming} indices into {tensor.Shape}");
            // ATen applies the indices left to right, one view op each (select, slice, unsqueeze); a full slice is no op.
            // Backward undoes them one at a time, so the chain of views is kept.
            var current = tensor;
            var steps = new List<ActivationTensor>();
            var axis = 0;
            ActivationTensor Step(TensorShape shape, IReadOnlyList<Dim> strides, bool slice = true)
            {
                current = trace!.ViewWithStrides(current, shape, strides, slice);
                steps.Add(current);
                return current;
            }
            foreach (var index in indices)
            {
                var dims = current.Shape.Dims.ToList();
                // ATen's strides, size-1 dimensions' included: they decide later layouts (channels-last, at batch 1).
                var strides = TensorLayout.ExactStridesOf(current).ToList();
                switch (index)
                {
                    case IntValue position:
                        var size = dims[axis];
                        if (size.IsConstant() && (position.Pin() >= size.PinCoefficient() || position.Pin() < -size.PinCoefficient()))
                            throw op.Mismatch($"index {position.Pin()} is outside dimension {axis} of {tensor.Shape}");
                        dims.RemoveAt(axis);
                        strides.RemoveAt(axis);
                        Step(new TensorShape(dims), strides);
                        break;
                    // TorchSharp runs a lone slice index as Tensor.slice, which records a slice even over the whole
                    // dimension; among several indices ATen skips the whole-dimension ones (measured).
                    case TensorIndexValue { Kind: "Colon" } when indices.Count == 1:
                        Step(current.Shape, strides);
                        axis++;
                        break;
                    case TensorIndexValue { Kind: "Colon" }:
                        axis++;
                        break;
                    case TensorIndexValue { Kind: "None" }:
                        Step(new TensorShape(dims.Take(axis).Append(Dim.Of(1)).Concat(dims.Skip(axis))),
                            TensorLayout.Unsqueezed(current.Shape, strides, axis), slice: false);
                        axis++;
                        break;
                    case TensorIndexValue { Kind: "Ellipsis" }:
                        axis += tensor.Shape.Rank - consuming;
                        break;
                    case TensorIndexValue { Kind: "Slice" } slice:
                        var length = SliceLength(dims[axis], slice, op);
                        if (length != dims[axis] || (slice.Step ?? 1) != 1 || indices.Count == 1)
                        {
                            strides[axis] = strides[axis].Times(Dim.Of(slice.Step ?? 1));
                            dims[axis] = length;
                            Step(new TensorShape(dims), strides);
                        }
                        axis++;
                        break;
                    case UnknownValue unknown:
                        return Record(unknown);
                    default:
                        return Record(new UnknownValue($"indexing with {index.Describe()} is not modeled", at));
                }
            }
            // Only the last view reaches TorchSharp; the ones between are ATen's own.
            foreach (var between in steps.Take(steps.Count - 1)) trace!.Dispose(between);
            return steps.Count > 0 ? current : trace!.AliasOp(tensor);
        }
        catch (ShapeMismatchException mismatch)
        {
            return Mismatch(mismatch.Message, at, new Value[] { tensor });
        }
        catch (UnknownArgumentException unknown)
        {
            return Record(unknown.Unknown.Location is null ? new UnknownValue(unknown.Unknown.Reason, at) : unknown.Unknown);
        }
    }

    private static Dim SliceLength(Dim size, TensorIndexValue slice, LayerCall op)
    {
        var step = slice.Step ?? 1;
        if (step <= 0) throw op.Mismatch("slice steps must be positive");
        if (!size.IsConstant())
        {
            return slice.Start is null or 0 && slice.Stop is null && step == 1 ? size
                : throw new UnknownArgumentException(new UnknownValue("a slice of the batch dimension", null));
        }
        long Clamp(long value) => Math.Max(0, Math.Min(size.PinCoefficient(), value < 0 ? value + size.PinCoefficient() : value));
        var start = Clamp(slice.Start ?? 0);
        var stop = Clamp(slice.Stop ?? size.PinCoefficient());
        return Dim.Of(stop <= start ? 0 : (stop - start + step - 1) / step);
    }
}

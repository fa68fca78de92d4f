using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Parametric;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// <c>torch.zeros/ones/empty/rand/randn/full/tensor</c>: the tensors users wrap in a Parameter or keep
/// as buffers. Only the element count and an explicit dtype matter here.
/// </summary>
internal static class TensorFactories
{
    private static readonly HashSet<string> ShapeFactories = new() { "zeros", "ones", "empty", "rand", "randn", "full", "randint" };

    // Parameters of these factories that are not dimensions.
    private static readonly HashSet<string> NonDimensionParameters =
        new() { "dtype", "device", "requires_grad", "names", "value", "fill_value", "generator", "low", "high" };

    public static bool IsFactory(string name) => ShapeFactories.Contains(name) || name == "tensor" || name == "arange";

    /// <summary>
    /// torch.arange's length and dtype (TorchSharp 0.107: Int64 where start, stop and step are all integral, else the
    /// default Float32, unless dtype is given); null where a bound is not a known number. <c>arange(start, t)</c> with a
    /// constant start and step 1 follows t where it is a polynomial (a sequence length): t − start long, t ≥ start a guard.
    /// </summary>
    public static (long Length, ScalarType Type, Parametric.SizeForm? Form)? Arange(IReadOnlyList<KeyValuePair<string, Value>> arguments)
    {
        Value Named(string name) => arguments.FirstOrDefault(a => a.Key == name).Value ?? NullValue.Instance;
        var stop = Named("stop") is NullValue ? Named("end") : Named("stop");
        var bounds = new[] { Named("start"), stop, Named("step") };
        if (bounds[1] is NullValue || bounds.Any(b => b is not (IntValue or RealValue or NullValue))) return null;
        Parametric.SizeForm? form = null;
        if (bounds[1] is IntValue { Form: { } stopForm } last && bounds[0] is IntValue { Form: null } or NullValue
            && bounds[2] is NullValue or IntValue { Form: null, Peek: 1 })
        {
            var first = bounds[0] is IntValue i ? i.Peek : 0;
            if (last.AtLeast(first))
                form = new Parametric.SizeForm(stopForm.Expression.Minus(Parametric.Polynomial.Constant(first)), stopForm.Guards);
        }
        double Number(Value v, double missing) => v switch
        {
            IntValue i => form is null ? i.Pin() : i.Peek,
            RealValue r => r.Number,
            _ => missing,
        };
        var (start, end, step) = (Number(bounds[0], 0), Number(bounds[1], 0), Number(bounds[2], 1));
        if (step == 0 || double.IsNaN(start) || double.IsNaN(end) || double.IsNaN(step)) return null;
        var length = System.Math.Ceiling((end - start) / step);
        if (length > long.MaxValue / 16) return null;
        var dtype = Named("dtype");
        ScalarType? type = dtype is EnumValue { MemberName: var name } ? ScalarTypes.Parse(name)
            : dtype is not NullValue ? null
            : bounds.Any(b => b is RealValue) ? ScalarType.Float32 : ScalarType.Int64;
        return type is { } known ? (System.Math.Max(0, (long)length), known, form) : null;
    }

    // torch functions of one tensor that give a new tensor of its shape and type.
    private static readonly HashSet<string> ShapeKeeping = new() { "tril", "triu", "sin", "cos", "exp", "log", "sqrt", "abs", "neg" };

    public static bool KeepsShape(string name) => ShapeKeeping.Contains(name);

    /// <summary>A new tensor of <paramref name="source"/>'s shape and element type, not a parameter.</summary>
    public static TensorValue SameShape(TensorSlot source) =>
        new(new TensorSlot(source.PinElementCount(), isParameter: false, source.ElementType, source.PinShape()));

    public static Value Create(IMethodSymbol method, IReadOnlyList<KeyValuePair<string, Value>> arguments, IOperation at)
    {
        var location = LocationInfo.From(at.Syntax);
        var dtype = arguments.FirstOrDefault(a => a.Key == "dtype").Value;
        var elementType = dtype is EnumValue { MemberName: var name } ? ScalarTypes.Parse(name)
            : method.Name == "tensor" ? DataType(method) : null;
        if (dtype is not (null or NullValue) && elementType is null) return new UnknownValue("the dtype of a tensor", location);
        if (elementType is { } type && type.SizeOf() is null) return new UnknownValue($"the memory of a {type} tensor", location);
        if (method.Name == "tensor" && dtype is null or NullValue && !HasKnownDataType(method))
            return new UnknownValue("the dtype torch.tensor(...) gives this data", location);

        long count = 1;
        var shape = new List<long>();
        var dims = new List<IntValue>();
        if (method.Name == "arange")
        {
            return Arange(arguments) is { } range
                ? new TensorValue(new TensorSlot(range.Length, false, range.Type, new[] { range.Length }))
                : new UnknownValue("the bounds or dtype of torch.arange(...)", location);
        }
        if (method.Name == "tensor")
        {
            var data = arguments.FirstOrDefault().Value;
            count = data switch
            {
                ListValue list => list.Items.Count,
                IntValue or RealValue or BoolValue => 1,
                _ => -1,
            };
            return count < 0 ? new UnknownValue("the data of torch.tensor(...)", location)
                : new TensorValue(new TensorSlot(count, false, elementType, data is ListValue ? new[] { count } : new long[0]));
        }

        try
        {
            foreach (var argument in arguments)
            {
                if (NonDimensionParameters.Contains(argument.Key)) continue;
                var parameter = method.Parameters.FirstOrDefault(p => p.Name == argument.Key);
                if (parameter is null || !IsDimensionType(parameter.Type)) continue;
                switch (argument.Value)
                {
                    case IntValue dim when dim.Peek >= 0:
                        count = checked(count * dim.Peek);
                        shape.Add(dim.Peek);
                        dims.Add(dim);
                        break;
                    case ListValue list when list.Items.All(d => d is IntValue { Peek: >= 0 }):
                        foreach (var d in list.Items.Cast<IntValue>())
                        {
                            count = checked(count * d.Peek);
                            shape.Add(d.Peek);
                            dims.Add(d);
                        }
                        break;
                    case UnknownValue unknown:
                        return unknown;
                    default:
                        return new UnknownValue($"the shape of torch.{method.Name}(...)", location);
                }
            }
        }
        catch (System.OverflowException)
        {
            // torch.zeros(long.MaxValue, long.MaxValue): no such tensor can exist, so there is no count to report.
            return new UnknownValue($"the element count of torch.{method.Name}(...) overflows a 64-bit integer", location);
        }
        return new TensorValue(new TensorSlot(count, isParameter: false, elementType, shape.ToArray()) { CountForm = CountForm(dims) });
    }

    /// <summary>
    /// torch.tensor(data)'s dtype follows the data's C# type (measured: long[] gives Int64, double[] Float64, an int
    /// Int32); float data gives Float32, the default dtype, which .to(DType) converts like torch.zeros' (null).
    /// </summary>
    private static ScalarType? DataType(IMethodSymbol method) => DataElement(method)?.SpecialType switch
    {
        SpecialType.System_Int64 => ScalarType.Int64,
        SpecialType.System_Int32 => ScalarType.Int32,
        SpecialType.System_Int16 => ScalarType.Int16,
        SpecialType.System_SByte => ScalarType.Int8,
        SpecialType.System_Byte => ScalarType.Byte,
        SpecialType.System_Boolean => ScalarType.Bool,
        SpecialType.System_Double => ScalarType.Float64,
        _ => null,
    };

    private static bool HasKnownDataType(IMethodSymbol method) =>
        DataElement(method) is { SpecialType: SpecialType.System_Single } || DataType(method) is not null;

    private static ITypeSymbol? DataElement(IMethodSymbol method) => method.Parameters.FirstOrDefault()?.Type switch
    {
        IArrayTypeSymbol array => array.ElementType,
        { } scalar => scalar,
        null => null,
    };

    /// <summary>In a parametric run, the element count as the product of the dimensions' polynomials (each at least 0).</summary>
    private static SizeForm? CountForm(List<IntValue> dims)
    {
        foreach (var dim in dims) dim.Form?.Guards.Add(new SizeGuard(dim.Form.Expression, GuardRelation.NonNegative));
        return TrackedSize.ProductForm(dims.Select(d => new TrackedSize(d.Peek, d.Form)).ToList());
    }

    private static bool IsDimensionType(ITypeSymbol type) =>
        type.SpecialType is SpecialType.System_Int64 or SpecialType.System_Int32
        || type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Int64 or SpecialType.System_Int32 }
        || type is INamedTypeSymbol { Name: "ReadOnlySpan", TypeArguments: [{ SpecialType: SpecialType.System_Int64 }] };
}

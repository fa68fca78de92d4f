using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Ops;

/// <summary>New tensors inside forward (torch.zeros(batch, hidden) and the like): allocated, needing no gradient.</summary>
internal static partial class TensorOps
{
    private static IEnumerable<TensorOpRule> Creation()
    {
        yield return new(TensorOp.NewTensor, "a new tensor of the given sizes (dtype: Float32 unless given)", NewTensor)
        {
            Names = ["zeros", "ones", "empty", "randn", "rand", "full"], Forms = TensorOpForms.TorchFunction,
        };
        yield return new(TensorOp.NewTensorLike, "a new tensor of the input's shape and dtype (unless given), laid out as empty_like's "
            + "preserved format lays it (the input's strides where dense, else dense in their order); needs no gradient", NewTensorLike)
        {
            Names = ["zeros_like", "ones_like", "empty_like", "rand_like", "randn_like", "full_like"],
        };
        yield return new(TensorOp.Arange, "[ceil((stop - start) / step)]: Int64 for integral bounds, else Float32, unless dtype is given", c =>
            TensorFactories.Arange(c.Args) is { } range
                ? c.Trace.Allocate(new TensorShape(new[] { new Dim(range.Length, 0, range.Form) }), range.Type, requiresGrad: false)
                : c.Forward.Record(new UnknownValue("the bounds or dtype of torch.arange(...)", c.At)))
        {
            Names = ["arange"], Forms = TensorOpForms.TorchFunction,
        };
    }

    /// <summary>
    /// zeros_like(x) and the like: empty_like(x) filled in place (measured: one tensor of x's size, nothing else, rand_like
    /// and randn_like included). A new leaf that requires a gradient, or one made on another device, is not followed.
    /// </summary>
    private static Value NewTensorLike(TensorOpCall c)
    {
        var self = c.Self;
        foreach (var argument in c.Args)
        {
            var followed = argument.Key switch
            {
                "dtype" => argument.Value is NullValue or EnumValue,
                "device" => argument.Value is NullValue,
                "requires_grad" => argument.Value is BoolValue { Flag: false },
                _ => true,
            };
            if (!followed) return c.Forward.Record(new UnknownValue($"torch.{c.Name}(...) with this {argument.Key}", c.At));
        }
        var dtype = c.Args.FirstOrDefault(a => a.Key == "dtype").Value;
        var type = dtype is EnumValue { MemberName: var name } ? ScalarTypes.Parse(name) : (ScalarType?)self.ElementType;
        if (type is null) return c.Forward.Record(new UnknownValue($"the dtype of torch.{c.Name}(...)", c.At));
        var strides = TensorLayout.PreservedLike(self.Shape, self.Strides, c.Trace.Decide);
        return c.Trace.Allocate(self.Shape, type.Value, requiresGrad: false, strides: strides);
    }

    private static Value NewTensor(TensorOpCall c)
    {
        var method = c.Method!;
        var dims = new List<Dim>();
        foreach (var argument in c.Args)
        {
            var parameter = method.Parameters.FirstOrDefault(p => p.Name == argument.Key);
            if (parameter is null || argument.Key is "dtype" or "device" or "requires_grad" or "names" or "value" or "fill_value") continue;
            switch (argument.Value)
            {
                case IntValue size when size.AtLeast(0): dims.Add(new Dim(size.Peek, 0, size.Form)); break;
                case DimValue size: dims.Add(size.Dim); break;
                case ListValue sizes when sizes.Items.All(s => s is IntValue or DimValue):
                    dims.AddRange(sizes.Items.Select(s => s is DimValue d ? d.Dim : new Dim(((IntValue)s).Pin(), 0)));
                    break;
                case UnknownValue unknown: return c.Forward.Record(unknown);
                case var _ when parameter.Type.SpecialType is SpecialType.System_Int64 or SpecialType.System_Int32
                    || parameter.Type is IArrayTypeSymbol:
                    return c.Forward.Record(new UnknownValue($"the shape of torch.{method.Name}(...)", c.At));
            }
        }
        var dtype = c.Args.FirstOrDefault(a => a.Key == "dtype").Value;
        var type = dtype is EnumValue { MemberName: var name } ? ScalarTypes.Parse(name) : dtype is null or NullValue ? ScalarType.Float32 : null;
        if (type is null) return c.Forward.Record(new UnknownValue($"the dtype of torch.{method.Name}(...)", c.At));
        return c.Trace.Allocate(new TensorShape(dims), type.Value, requiresGrad: false);
    }
}

using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Parametric;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>What a layer rule registers on the module it builds, with checked element counts.</summary>
internal sealed class LayerBuilder(ModuleInstance module)
{
    private int registered;

    public ModuleInstance Module { get; } = module;

    /// <summary>A parameter whose dimensions may be polynomials in the constructor's sizes (a parametric run).</summary>
    public void Parameter(string name, params TrackedSize[] shape)
    {
        CountOne();
        var dims = shape.Select(d => d.Peek).ToArray();
        Module.AddParameter(name,
            new TensorSlot(ElementCount(dims), isParameter: true, elementType: null, dims) { CountForm = TrackedSize.ProductForm(shape) });
    }

    /// <summary>A parameter of another tensor's element count (copied from another layer or tensor), polynomial included.</summary>
    public void ParameterOfCount(string name, TensorSlot source)
    {
        CountOne();
        Module.AddParameter(name, new TensorSlot(source.PeekElementCount, isParameter: true, elementType: null) { CountForm = source.CountForm });
    }

    /// <summary>A buffer of a fixed scalar type, or of the module's dtype when null, with dimensions that may be polynomials.</summary>
    public void TypedBuffer(string name, ScalarType? elementType, params TrackedSize[] shape)
    {
        CountOne();
        var dims = shape.Select(d => d.Peek).ToArray();
        Module.AddBuffer(name,
            new TensorSlot(ElementCount(dims), isParameter: false, elementType, dims) { CountForm = TrackedSize.ProductForm(shape) });
    }

    private void CountOne()
    {
        if (++registered > InterpreterLimits.MaxTensorsPerLayer)
            throw new InvalidLayerArgumentException($"{Module.Kind} would register more than {InterpreterLimits.MaxTensorsPerLayer:N0} " +
                $"parameters and buffers (a layer count such as num_layers is that large); the analysis does not follow it");
    }

    public void Child(string name, ModuleInstance child) => Module.AddChild(name, child);

    private static long ElementCount(long[] shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0) throw new InvalidLayerArgumentException($"negative dimension {dim} in a parameter shape");
            count = checked(count * dim);
        }
        return count;
    }
}

using TorchBudget.Generator.Interpretation;

namespace TorchBudget.Generator.Layers;

/// <summary>What a layer rule registers on the module it builds, with checked element counts.</summary>
internal sealed class LayerBuilder(ModuleInstance module)
{
    private int registered;

    public ModuleInstance Module { get; } = module;

    public void Parameter(string name, params long[] shape)
    {
        CountOne();
        Module.AddParameter(name, new TensorSlot(ElementCount(shape), isParameter: true, elementType: null, shape));
    }

    /// <summary>A parameter known by its element count only (copied from another layer or tensor).</summary>
    public void ParameterOfCount(string name, long? elementCount)
    {
        CountOne();
        Module.AddParameter(name, new TensorSlot(elementCount, isParameter: true, elementType: null));
    }

    /// <summary>A buffer of a fixed scalar type, or of the module's dtype when null.</summary>
    public void TypedBuffer(string name, string? elementType, params long[] shape)
    {
        CountOne();
        Module.AddBuffer(name, new TensorSlot(ElementCount(shape), isParameter: false, elementType, shape));
    }

    private void CountOne()
    {
        if (++registered > InterpreterLimits.MaxTensorsPerLayer)
            throw new InvalidLayerArgumentException($"{Module.Kind} would register more than {InterpreterLimits.MaxTensorsPerLayer:N0} parameters and buffers (a layer count such as num_layers is that large); the analysis does not follow it");
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

using TorchBudget.Generator.Interpretation;

namespace TorchBudget.Generator.Layers;

/// <summary>What a layer rule registers on the module it builds, with checked element counts.</summary>
internal sealed class LayerBuilder(ModuleInstance module)
{
    public ModuleInstance Module { get; } = module;

    public void Parameter(string name, params long[] shape) =>
        Module.AddParameter(name, new TensorSlot(ElementCount(shape), isParameter: true, elementType: null, shape));

    /// <summary>A parameter known by its element count only (copied from another layer or tensor).</summary>
    public void ParameterOfCount(string name, long? elementCount) =>
        Module.AddParameter(name, new TensorSlot(elementCount, isParameter: true, elementType: null));

    /// <summary>A buffer of a fixed scalar type, or of the module's dtype when null.</summary>
    public void TypedBuffer(string name, string? elementType, params long[] shape) =>
        Module.AddBuffer(name, new TensorSlot(ElementCount(shape), isParameter: false, elementType, shape));

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

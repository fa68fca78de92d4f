namespace TorchBudget.Generator.Shapes;

/// <summary>TorchSharp scalar types' element sizes (measured with element_size() on 0.107).</summary>
internal static class ElementTypes
{
    public static int? SizeOf(string scalarType) => scalarType switch
    {
        "Float32" or "Int32" => 4,
        "Float64" or "Int64" or "ComplexFloat32" => 8,
        "Float16" or "BFloat16" or "Int16" => 2,
        "Int8" or "Byte" or "Bool" => 1,
        "ComplexFloat64" => 16,
        _ => null,
    };
}

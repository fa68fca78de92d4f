using System;
using System.Collections.Generic;
using System.Linq;

namespace TorchBudget.Generator.Shapes;

/// <summary>
/// TorchSharp 0.107's <c>torch.ScalarType</c> members, by the same names: a tensor's element type and the profile's
/// DType (a test checks the list against TorchSharp's enum).
/// </summary>
internal enum ScalarType
{
    Byte,
    Int8,
    Int16,
    Int32,
    Int64,
    Float16,
    Float32,
    Float64,
    ComplexFloat32,
    ComplexFloat64,
    Bool,
    QInt8,
    QUInt8,
    QInt32,
    BFloat16,
}

internal static class ScalarTypes
{
    private static readonly Dictionary<string, ScalarType> ByName =
        Enum.GetValues(typeof(ScalarType)).Cast<ScalarType>().ToDictionary(t => t.ToString(), StringComparer.Ordinal);

    /// <summary>The scalar type of that name (an enum member's name in user code); null for any other name.</summary>
    public static ScalarType? Parse(string? name) => name is not null && ByName.TryGetValue(name, out var type) ? type : null;

    /// <summary>Element sizes, measured with element_size() on 0.107; null where not measured (the quantized types).</summary>
    public static int? SizeOf(this ScalarType type) => type switch
    {
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float64 or ScalarType.Int64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        ScalarType.ComplexFloat64 => 16,
        _ => null,
    };

    /// <summary>The element size of a type tensors are made in (creation refuses the quantized types).</summary>
    public static int Size(this ScalarType type) => type.SizeOf() ?? throw new InvalidOperationException($"{type} has no element size");

    public static bool IsFloating(this ScalarType type) =>
        type is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16;
}

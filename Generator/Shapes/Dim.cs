using System;
using System.Globalization;

namespace TorchBudget.Generator.Shapes;

/// <summary>
/// A tensor dimension as Coefficient × B^BatchPower, B the batch size: 6, B, 400B. Enough to follow
/// reshapes such as view(-1, 400) exactly without fixing the batch size.
/// </summary>
internal readonly record struct Dim(long Coefficient, int BatchPower)
{
    public static readonly Dim Batch = new(1, 1);

    public static Dim Of(long size) => new(size, 0);

    public bool IsConstant => BatchPower == 0 || Coefficient == 0;

    public Dim Times(Dim other) => new(checked(Coefficient * other.Coefficient), BatchPower + other.BatchPower);

    /// <summary>Exact division, or null when the result would not be a whole dimension.</summary>
    public Dim? DividedBy(Dim other) =>
        other.Coefficient != 0 && Coefficient % other.Coefficient == 0 && BatchPower >= other.BatchPower
            ? new Dim(Coefficient / other.Coefficient, BatchPower - other.BatchPower)
            : null;

    public override string ToString()
    {
        var number = Coefficient.ToString(CultureInfo.InvariantCulture);
        return BatchPower switch
        {
            0 => number,
            _ when Coefficient == 0 => "0",
            1 => Coefficient == 1 ? "B" : number + "B",
            _ => (Coefficient == 1 ? "" : number) + "B^" + BatchPower.ToString(CultureInfo.InvariantCulture),
        };
    }
}

using System;

namespace TorchBudget;

/// <summary>
/// Declares the device memory a profiled model may use; the build fails when the predicted
/// training peak at <see cref="BatchSize"/> exceeds <see cref="SafetyFactor"/> × the budget.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MemoryBudgetAttribute : Attribute
{
    /// <param name="budget">Device memory, e.g. "8 GiB", "512 MiB", "24GB", "1.5 GB" (SI and IEC units).</param>
    public MemoryBudgetAttribute(string budget) => Budget = budget;

    /// <summary>The budget as written.</summary>
    public string Budget { get; }

    /// <summary>The batch size the budget is checked at.</summary>
    public long BatchSize { get; set; }

    /// <summary>Fraction of the budget the peak may use. Default 0.8.</summary>
    public double SafetyFactor { get; set; } = 0.8;
}

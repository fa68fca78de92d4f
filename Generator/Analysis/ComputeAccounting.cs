using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Analysis;

/// <summary>Forward's multiply-accumulates per sample, in total and per module that ran them (docs/compute-cost.md).</summary>
internal sealed class ComputeAccounting
{
    private readonly Dictionary<ModuleInstance, long> perModule;

    private ComputeAccounting(long? total, string? unknown, Dictionary<ModuleInstance, long> perModule)
    {
        Total = total;
        Unknown = unknown;
        this.perModule = perModule;
    }

    /// <summary>Per sample, the whole forward; null when unknown.</summary>
    public long? Total { get; }

    /// <summary>Why the count is unknown when forward was followed to the end; null otherwise.</summary>
    public string? Unknown { get; }

    public static ComputeAccounting Of(ForwardTrace trace)
    {
        var perModule = new Dictionary<ModuleInstance, long>();
        if (trace.Unknowns.Count > 0 || trace.Mismatches.Count > 0) return new ComputeAccounting(null, null, perModule);
        var unknown = trace.MultiplyAccumulatesUnknown;
        long total = 0;
        try
        {
            foreach (var (module, count) in trace.MultiplyAccumulates)
            {
                // Per sample needs a count proportional to the batch; one that is not (a product of weights alone) has none.
                if (count.PinCoefficient() == 0) continue;
                if (count.BatchPower != 1)
                {
                    unknown ??= $"a product in forward does {count} multiply-accumulates, not proportional to the batch size";
                    continue;
                }
                total = checked(total + count.PinCoefficient());
                if (module is not null) perModule[module] = checked((perModule.TryGetValue(module, out var sum) ? sum : 0) + count.PinCoefficient());
            }
        }
        catch (System.OverflowException)
        {
            unknown ??= "the multiply-accumulates overflow a 64-bit integer";
        }
        return new ComputeAccounting(unknown is null ? total : null, unknown, perModule);
    }

    public long? PerModule(ModuleInstance module) => Total is null ? null : perModule.TryGetValue(module, out var count) ? count : 0;
}

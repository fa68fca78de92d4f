using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Parsing;

/// <summary>Bytes alive at the end of forward, in total and per module that allocated them.</summary>
internal sealed class ActivationAccounting
{
    private readonly Dictionary<ModuleInstance, ByteCount> perModule;

    private ActivationAccounting(ByteCount? total, Dictionary<ModuleInstance, ByteCount> perModule)
    {
        Total = total;
        this.perModule = perModule;
    }

    /// <summary>Null when the forward pass could not be followed to the end.</summary>
    public ByteCount? Total { get; }

    public static ActivationAccounting Of(ForwardTrace trace, string modelType)
    {
        var perModule = new Dictionary<ModuleInstance, ByteCount>();
        var total = ByteCount.Zero;
        var known = trace.Unknowns.Count == 0 && trace.Mismatches.Count == 0;
        foreach (var storage in trace.AliveStorages())
        {
            var size = ElementTypes.SizeOf(storage.ElementType);
            if (size is null) { known = false; continue; }
            ByteCount bytes;
            try { bytes = ByteCount.Of(storage.Elements, size.Value); }
            catch (System.Exception e) when (e is NotLinearInBatchException or System.OverflowException) { known = false; continue; }
            total = total.Plus(bytes);
            if (storage.Owner is { } owner) perModule[owner] = perModule.TryGetValue(owner, out var sum) ? sum.Plus(bytes) : bytes;
        }
        return new ActivationAccounting(known ? total : null, perModule);
    }

    public long? PerModule(ModuleInstance module) =>
        Total is null ? null : perModule.TryGetValue(module, out var bytes) ? bytes.PerSample : 0;
}

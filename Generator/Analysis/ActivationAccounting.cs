using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Analysis;

/// <summary>Bytes alive at the end of forward, in total and per module that allocated them.</summary>
internal sealed class ActivationAccounting
{
    private readonly Dictionary<ModuleInstance, ByteCount> perModule;

    private ActivationAccounting(ByteCount? total, string? uncountable, Dictionary<ModuleInstance, ByteCount> perModule)
    {
        Total = total;
        Uncountable = uncountable;
        this.perModule = perModule;
    }

    /// <summary>Null when the forward pass could not be followed to the end, or a tensor's bytes cannot be counted.</summary>
    public ByteCount? Total { get; }

    /// <summary>Why a tensor forward left alive has no byte count, when forward itself was followed; null otherwise.</summary>
    public string? Uncountable { get; }

    public static ActivationAccounting Of(ForwardTrace trace, Shapes.ScalarType modelType)
    {
        var perModule = new Dictionary<ModuleInstance, ByteCount>();
        var total = ByteCount.Zero;
        var followed = trace.Unknowns.Count == 0 && trace.Mismatches.Count == 0;
        string? uncountable = null;
        foreach (var storage in trace.AliveStorages())
        {
            if (storage.SizedInBytes is null && storage.ElementType.SizeOf() is null)
            {
                uncountable ??= $"forward keeps a {storage.ElementType} tensor, whose element size is not known";
                continue;
            }
            ByteCount bytes;
            try { bytes = storage.BytesOrThrow(); }
            catch (System.OverflowException)
            {
                uncountable ??= $"forward keeps a tensor of {storage.Elements} elements, whose bytes overflow a 64-bit integer";
                continue;
            }
            catch (NotLinearInBatchException)
            {
                uncountable ??= $"forward keeps a tensor of {storage.Elements} elements, not linear in the batch size";
                continue;
            }
            total = total.Plus(bytes);
            if (storage.Owner is { } owner) perModule[owner] = perModule.TryGetValue(owner, out var sum) ? sum.Plus(bytes) : bytes;
        }
        return new ActivationAccounting(followed && uncountable is null ? total : null, followed ? uncountable : null, perModule);
    }

    /// <summary>
    /// The module's activation bytes per sample; null when unknown, or when it keeps a buffer sized in whole pages
    /// (<see cref="ModulesWithPagedBuffers"/>), whose bytes are no per-sample figure.
    /// </summary>
    public long? PerModule(ModuleInstance module) =>
        Total is null ? null : perModule.TryGetValue(module, out var bytes) ? (bytes.IsLinear ? bytes.PinPerSample() : null) : 0;

    /// <summary>Modules whose kept bytes include a page-rounded buffer (the per-batch table counts them exactly).</summary>
    public IEnumerable<ModuleInstance> ModulesWithPagedBuffers => perModule.Where(m => !m.Value.IsLinear).Select(m => m.Key);
}

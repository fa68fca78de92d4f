using System;
using System.Collections.Generic;
using System.Linq;

namespace TorchBudget;

/// <summary>
/// An NVIDIA card as the memory question needs it: the memory nvidia-smi shows as its total, the memory CUDA
/// reports to PyTorch (<c>total_memory</c>: the total less what the driver reserves, which varies with the driver, so a
/// range) and its compute capability (which sets cuBLAS's workspace). <see cref="Known"/> lists common cards;
/// construct one for another card.
/// </summary>
public sealed record GpuSpec
{
    /// <summary>Describes a card.</summary>
    /// <param name="name">The card's name, e.g. "RTX 4090".</param>
    /// <param name="totalMemory">nvidia-smi's memory.total, in bytes.</param>
    /// <param name="deviceMemory">CUDA's total memory (<c>torch.cuda.get_device_properties(0).total_memory</c>).</param>
    /// <param name="computeCapability">e.g. 8.9 as <c>new Version(8, 9)</c>.</param>
    public GpuSpec(string name, long totalMemory, ByteRange deviceMemory, Version computeCapability)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A card has a name.", nameof(name));
        if (deviceMemory.High > totalMemory)
            throw new ArgumentOutOfRangeException(nameof(deviceMemory), "CUDA's total is at most nvidia-smi's.");
        Name = name;
        TotalMemory = totalMemory;
        DeviceMemory = deviceMemory;
        ComputeCapability = computeCapability ?? throw new ArgumentNullException(nameof(computeCapability));
    }

    /// <summary>The card's name, e.g. "A100 80GB".</summary>
    public string Name { get; }

    /// <summary>The total nvidia-smi shows (NVML's, which on R510+ drivers includes the driver's reserve).</summary>
    public long TotalMemory { get; }

    /// <summary>
    /// The memory CUDA offers (the CUDA context and every allocation come out of it), as public deviceQuery and PyTorch
    /// outputs on Linux report it: lowest to highest seen. A display or another OS can lower it further.
    /// </summary>
    public ByteRange DeviceMemory { get; }

    /// <summary>The CUDA compute capability, e.g. 9.0 for Hopper.</summary>
    public Version ComputeCapability { get; }

    /// <summary>Other names the card goes by (nvidia-smi's name, the form factor, the memory size).</summary>
    internal IReadOnlyList<string> Aliases { get; init; } = Array.Empty<string>();

    /// <summary>The cards <see cref="Parse(string)"/> knows, with their sources in GpuCatalog.cs.</summary>
    public static IReadOnlyList<GpuSpec> Known => GpuCatalog.Cards;

    /// <summary>
    /// The known card a name denotes, written as people write it: "RTX 4090", "rtx4090", "NVIDIA GeForce RTX 4090",
    /// "A100 80GB", "A100-SXM4-80GB", "H100". Case, spaces, dashes and the "NVIDIA", "GeForce" and "Tesla" prefixes
    /// do not matter.
    /// </summary>
    /// <exception cref="FormatException">No known card has the name, or several do (e.g. "A100").</exception>
    public static GpuSpec Parse(string name) => Parse(name, out var problem) ?? throw new FormatException(problem);

    /// <summary>The card, or null with why.</summary>
    public static GpuSpec? Parse(string? name, out string? problem)
    {
        var key = Key(name ?? "");
        var exact = Known.Where(c => c.Keys().Contains(key)).ToList();
        var matches = exact.Count > 0 || key.Length == 0 ? exact : Known.Where(c => c.Keys().Any(k => k.StartsWith(key))).ToList();
        problem = matches.Count switch
        {
            1 => null,
            0 => $"'{name}' is not a GPU TorchBudget knows; known: {string.Join(", ", Known.Select(c => c.Name))} "
                + "(describe another card with new GpuSpec(...))",
            _ => $"'{name}' could be {string.Join(" or ", matches.Select(c => c.Name))}: say which",
        };
        return problem is null ? matches[0] : null;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({ByteUnits.Format(TotalMemory)}, compute capability {ComputeCapability})";

    private IEnumerable<string> Keys() => Aliases.Prepend(Name).Select(Key);

    /// <summary>Letters and digits in upper case, without the vendor and product-line words.</summary>
    private static string Key(string text)
    {
        var key = new string(text.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
        foreach (var prefix in new[] { "NVIDIA", "GEFORCE", "TESLA" })
            if (key.StartsWith(prefix, StringComparison.Ordinal)) key = key.Substring(prefix.Length);
        return key;
    }
}

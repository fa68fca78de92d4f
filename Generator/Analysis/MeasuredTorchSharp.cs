using System;
using System.Linq;
using TorchBudget.Generator.Diagnostics;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Analysis;

/// <summary>
/// Every memory rule was measured on TorchSharp 0.107 (libtorch 2.10): another version may allocate otherwise (other
/// kernels, other saved tensors). The counts follow the module definitions and stay; the memory rows do not.
/// </summary>
internal static class MeasuredTorchSharp
{
    public const string Versions = "0.107";

    /// <summary>Why the memory rows cannot be trusted with this TorchSharp assembly version; null when they can.</summary>
    public static string? Gap(Version? referenced) =>
        referenced is null || referenced is { Major: 0, Minor: 107 } ? null
        : $"the project references TorchSharp {referenced.ToString(3)}, "
            + $"and TorchBudget's memory rules were measured on TorchSharp {Versions} (libtorch 2.10)";

    /// <summary>The spec without memory rows, with the note and TBG010 at the attribute.</summary>
    public static ModelSpec WithoutMemory(ModelSpec spec, string gap, LocationInfo? attribute, string modelName) => spec with
    {
        Memory = null,
        PeakUnknown = spec.PeakUnknown ?? new UnknownReason(UnknownCode.UnmeasuredTorchSharp, Note(gap)),
        Layers = spec.Layers.Select(l => l with { ActivationBytesPerSample = null }).ToEquatableArray(),
        Notes = spec.Notes.Append(Note(gap)).ToEquatableArray(),
        Diagnostics = spec.Diagnostics.Append(new DiagnosticInfo(DiagnosticDescriptors.UnmeasuredTorchSharp.Id, attribute,
            new[] { modelName, gap }.ToEquatableArray())).ToEquatableArray(),
    };

    private static string Note(string gap) => $"Memory unknown: {gap}; the counts follow the module definitions and are kept.";
}

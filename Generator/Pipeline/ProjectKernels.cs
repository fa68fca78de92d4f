using Microsoft.CodeAnalysis.Diagnostics;

namespace TorchBudget.Generator.Pipeline;

/// <summary>
/// The project's kernel profile, MSBuild's <c>TorchBudgetKernels</c> (e.g. "AVX2, 16 threads"): what every model's peaks
/// are for where its [MemoryProfile] names none. The generator and the analyzer read it alike.
/// </summary>
internal static class ProjectKernels
{
    public const string Property = "TorchBudgetKernels";

    /// <summary>The property as written (null where not set, or blank).</summary>
    public static string? Text(AnalyzerConfigOptions globalOptions) =>
        globalOptions.TryGetValue("build_property." + Property, out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;

    public static string Problem(string text) =>
        $"TorchBudgetKernels = '{text}' must be \"AVX-512\" or \"AVX2\", optionally with \", N threads\" (1 to 1,024)";
}

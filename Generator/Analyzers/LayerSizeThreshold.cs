using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TorchBudget.Analyzers;

/// <summary>
/// TBG002's threshold: the .editorconfig key torchbudget.max_layer_parameters (per file) wins over the
/// MSBuild property TorchBudgetMaxLayerParameters (made visible by the package's props); default 50,000,000.
/// </summary>
internal static class LayerSizeThreshold
{
    public const long Default = 50_000_000;
    public const string EditorConfigKey = "torchbudget.max_layer_parameters";
    public const string MSBuildProperty = "build_property.TorchBudgetMaxLayerParameters";

    /// <param name="problem">When the setting is malformed: (the setting's name, what is wrong); else null.</param>
    public static long Read(AnalyzerConfigOptionsProvider options, SyntaxTree? tree, out (string Setting, string Message)? problem)
    {
        problem = null;
        string? text = null;
        var source = EditorConfigKey;
        if (tree is not null && options.GetOptions(tree).TryGetValue(EditorConfigKey, out var fromEditorConfig)) text = fromEditorConfig;
        else if (options.GlobalOptions.TryGetValue(MSBuildProperty, out var fromMSBuild) && !string.IsNullOrWhiteSpace(fromMSBuild))
        {
            text = fromMSBuild;
            source = "TorchBudgetMaxLayerParameters";
        }
        if (text is null) return Default;
        var cleaned = text.Trim().Replace("_", "").Replace(",", "");
        if (long.TryParse(cleaned, NumberStyles.None, CultureInfo.InvariantCulture, out var threshold) && threshold > 0) return threshold;
        problem = (source, $"'{text}' is not a positive whole number of parameters; TBG002 uses the default {Format(Default)}");
        return Default;
    }

    public static string Format(long count) => count.ToString("N0", CultureInfo.InvariantCulture);
}

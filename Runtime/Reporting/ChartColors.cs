namespace TorchBudget;

/// <summary>
/// The HTML report's chart colours, one per series and mark, each used nowhere else on the page, so a screenshot
/// shows which parts the chart drew (the tests count them).
/// </summary>
internal static class ChartColors
{
    public const string Parameters = "#4e79a7";
    public const string Buffers = "#76b7b2";
    public const string Gradients = "#f28e2b";
    public const string OptimizerState = "#ffbe7d";
    public const string Input = "#59a14f";
    public const string Activations = "#b07aa1";
    public const string StepTransients = "#bab0ac";
    public const string Budget = "#d62728";
    public const string UsableBudget = "#8c564b";
    public const string RecommendedBatch = "#009e73";

    /// <summary>The plot area's background: the screenshot test finds the chart by it.</summary>
    public const string PlotArea = "#f3f6fb";
}

using System;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// What TorchBudget knows about one TorchSharp factory (<c>torch.nn.Conv2d</c> …): the parameters and
/// buffers it creates from its arguments. Shape and saved-tensor rules join here, so every analysis and
/// the docs read one table.
/// </summary>
internal sealed class LayerRule(string factory, string summary, Action<LayerArgs, LayerBuilder> build,
    Func<LayerCall, Interpretation.Value>? forward = null)
{
    /// <summary>The factory method's name in <c>torch.nn</c>, also the layer's reported kind.</summary>
    public string Factory { get; } = factory;

    /// <summary>The parameters it creates, for docs and notes (e.g. "weight[out, in], bias[out]").</summary>
    public string Summary { get; } = summary;

    public Action<LayerArgs, LayerBuilder> Build { get; } = build;

    /// <summary>Output shape, allocations and saved tensors of one call; null where not modeled yet.</summary>
    public Func<LayerCall, Interpretation.Value>? Forward { get; } = forward;

    public LayerRule WithForward(Func<LayerCall, Interpretation.Value>? forward) => new(Factory, Summary, Build, forward);
}

namespace TorchBudget.Generator.Layers;

/// <summary>
/// A built layer's kernel size as the report's Kernel column shows it ("5×5"): a layer whose rule has a
/// <see cref="LayerRule.KernelRank"/>.
/// </summary>
internal static class LayerKernel
{
    public static string? Text(LayerArgs? args) =>
        args is not null && LayerRules.Find(args.Factory)?.KernelRank is { } rank && args.PeekDims("kernel_size", rank) is { Length: > 0 } sizes
            ? string.Join("×", sizes)
            : null;
}

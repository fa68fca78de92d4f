using System.Collections.Generic;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// The compute-cost convention (docs/compute-cost.md): multiply-accumulates of weight and matrix products, as torchinfo's
/// "mult-adds" column. Each layer rule counts its own (LayerCall.MultiplyAccumulates); a layer with weights that counts
/// none must be one of these, whose weights scale, shift or are looked up, or the count is unknown.
/// </summary>
internal static class ComputeCost
{
    public static readonly IReadOnlyCollection<string> WeightsWithoutProducts = new HashSet<string>(System.StringComparer.Ordinal)
    {
        "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
        "LayerNorm", "GroupNorm", "Embedding", "EmbeddingBag", "PReLU",
    };
}

using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// A cat that joins (a view of) one of forward's inputs with computed tensors along a dimension: a key/value cache
/// extended by a step's new keys or values. <see cref="BytesPerToken"/>: the joined tensor's bytes per unit of that
/// dimension for one sample, what the cache grows by per token there.
/// </summary>
internal sealed record CacheSite(string Input, ModuleInstance? Module, long BytesPerToken, LocationInfo? At);

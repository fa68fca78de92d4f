using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchBudget.Generator.Interpretation;

namespace TorchBudget.Generator.Analysis;

/// <summary>
/// The Notes' lines on a key/value cache taken as an input (<see cref="CacheSite"/>): what it grows by per token and
/// sample, at each place forward extends it, in all, and per layer where every module extends it alike.
/// </summary>
internal static class CacheNotes
{
    public static IEnumerable<string> For(ForwardTrace pass, IReadOnlyList<KeyValuePair<string, ModuleInstance>> namedModules)
    {
        foreach (var input in pass.CacheSites.GroupBy(s => s.Input))
        {
            var sites = input.ToList();
            var total = sites.Sum(s => s.BytesPerToken);
            var byModule = sites.GroupBy(s => s.Module).ToList();
            string Name(ModuleInstance? module) =>
                namedModules.FirstOrDefault(m => ReferenceEquals(m.Value, module)).Key is { Length: > 0 } name ? $"'{name}'" : "the model itself";
            var places = string.Join(", ", byModule.Select(m => $"{m.Count()} in {Name(m.Key)}"));
            var each = sites.Select(s => s.BytesPerToken).Distinct().Count() == 1
                ? $"{Bytes(sites[0].BytesPerToken)} per token and sample at each, " : "";
            var alike = byModule.Count > 1 && byModule.Select(m => m.Sum(s => s.BytesPerToken)).Distinct().Count() == 1
                ? $", {Bytes(total / byModule.Count)} per token, sample and layer" : "";
            yield return $"Key/value cache: forward's input '{input.Key}' is extended by cat in {sites.Count} places ({places}): "
                + $"{each}{Bytes(total)} per token and sample in all{alike}.";
        }
    }

    private static string Bytes(long bytes) => bytes.ToString("N0", CultureInfo.InvariantCulture) + " B";
}

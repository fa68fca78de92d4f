using System.Linq;

namespace TorchBudget.Generator.Model;

/// <summary>
/// Where generated members go: the namespace and the chain of type headers
/// (outermost first, e.g. "partial class Outer", "partial class Model&lt;T&gt;").
/// </summary>
internal sealed record TypeTarget(
    string? Namespace,
    string ClassName,
    EquatableArray<string> TypeHeaders,
    bool CanEmit)
{
    /// <summary>A file name unique within the compilation.</summary>
    public string HintName =>
        $"{(Namespace is null ? "" : Namespace + ".")}{string.Join(".", TypeHeaders.Select(h => h.Split(' ').Last()))}.TorchBudget.g.cs"
            .Replace('<', '{').Replace('>', '}').Replace(", ", ",");
}

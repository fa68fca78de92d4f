using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace TorchBudget.Generator.Model;

/// <summary>
/// Where a diagnostic points, as plain data: a cached model must not hold a <see cref="Location"/>
/// (it keeps the whole compilation alive). The analyzer maps it back onto the real syntax tree.
/// </summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());

    public static LocationInfo? From(Location location) =>
        location.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    public override string ToString() => $"{FilePath}({LineSpan.Start.Line + 1},{LineSpan.Start.Character + 1})";
}

using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace TorchBudget.Generator.Pipeline;

/// <summary>
/// Whether a new version of a file differs from the old one only inside method, constructor or accessor bodies.
/// Such an edit cannot change how any other file binds (bodies declare nothing visible outside them), so only
/// analyses that read this file's code are affected. Anything else (a signature, a field initializer, a constant, an
/// attribute, a new type) may change other files' meaning, and the answer is false.
/// </summary>
internal static class BodyOnlyEdit
{
    public static bool Between(SyntaxTree oldTree, SyntaxTree newTree, System.Threading.CancellationToken cancellationToken)
    {
        var changes = newTree.GetChanges(oldTree);
        if (changes.Count == 0) return true;
        var oldRoot = oldTree.GetRoot(cancellationToken);
        var newRoot = newTree.GetRoot(cancellationToken);
        var shift = 0;
        foreach (var change in changes.OrderBy(c => c.Span.Start))
        {
            var newSpan = new TextSpan(change.Span.Start + shift, change.NewText?.Length ?? 0);
            shift += newSpan.Length - change.Span.Length;
            if (!InsideBody(oldRoot, change.Span) || !InsideBody(newRoot, newSpan)) return false;
        }
        return true;
    }

    /// <summary>The span lies strictly within the braces of a member's block body, or within an expression body's expression.</summary>
    private static bool InsideBody(SyntaxNode root, TextSpan span)
    {
        if (span.End > root.FullSpan.End) return false;
        for (var node = root.FindToken(span.Start).Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case BlockSyntax block when block.Parent is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax:
                    return span.Start >= block.OpenBraceToken.Span.End && span.End <= block.CloseBraceToken.SpanStart;
                case ArrowExpressionClauseSyntax arrow when arrow.Parent is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax:
                    return span.Start >= arrow.Expression.FullSpan.Start && span.End <= arrow.Expression.FullSpan.End;
                case MemberDeclarationSyntax:
                    return false;
            }
        }
        return false;
    }
}

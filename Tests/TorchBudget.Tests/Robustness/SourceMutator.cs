using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace TorchBudget.Tests.Robustness;

/// <summary>
/// One random edit of a C# source, chosen by a seeded <see cref="Random"/>: token-level damage (delete, duplicate,
/// swap, replace) and targeted edits at the places the analysis reads (numbers, arguments, initializers, attributes,
/// statements, members). Works on text spans of one parse, so it is cheap and the result is whatever the edit makes:
/// often code that does not compile, which the generator and analyzers must survive too.
/// </summary>
internal static class SourceMutator
{
    private delegate (string Description, TextChange Change)? Mutation(SyntaxNode root, Random random);

    private static readonly (string Name, Mutation Apply)[] Mutations =
    {
        ("delete token", DeleteToken),
        ("duplicate token", DuplicateToken),
        ("swap tokens", SwapTokens),
        ("replace token", ReplaceToken),
        ("extreme number", ExtremeNumber),
        ("extreme number", ExtremeNumber),
        ("non-constant size", NonConstantSize),
        ("delete argument", DeleteArgument),
        ("delete argument", DeleteArgument),
        ("swap arguments", SwapArguments),
        ("null initializer", NullInitializer),
        ("garbage [MemoryProfile]", GarbageProfileArguments),
        ("add [MemoryBudget]", AddBudget),
        ("delete statement", DeleteStatement),
        ("duplicate statement", DuplicateStatement),
        ("delete member", DeleteMember),
    };

    /// <summary>Applies 1 to 3 random edits; the description lists them so a failing case can be read and redone.</summary>
    public static (string Description, string Text) Mutate(string text, Random random)
    {
        var edits = random.Next(10) switch { < 6 => 1, < 9 => 2, _ => 3 };
        var descriptions = new List<string>();
        for (var i = 0; i < edits; i++)
        {
            var root = CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(LanguageVersion.Latest)).GetRoot();
            // A mutation finds nothing to edit in some sources (no attribute, no statements): try another.
            for (var attempt = 0; attempt < 8; attempt++)
            {
                var (name, apply) = Mutations[random.Next(Mutations.Length)];
                if (apply(root, random) is not { } edit) continue;
                text = SourceText.From(text).WithChanges(edit.Change).ToString();
                descriptions.Add($"{name}: {edit.Description}");
                break;
            }
        }
        return (string.Join("; ", descriptions), text);
    }

    private static T Pick<T>(IReadOnlyList<T> items, Random random) => items[random.Next(items.Count)];

    private static List<SyntaxToken> Tokens(SyntaxNode root) =>
        root.DescendantTokens().Where(t => !t.IsKind(SyntaxKind.EndOfFileToken) && t.Span.Length > 0).ToList();

    private static string At(SyntaxNode root, TextSpan span) => $"'{Shorten(root.SyntaxTree.GetText().ToString(span))}' at {span.Start}";

    private static string Shorten(string text) => (text.Length > 40 ? text[..40] + "…" : text).Replace("\n", " ").Replace("\r", "");

    private static (string, TextChange)? DeleteToken(SyntaxNode root, Random random)
    {
        var tokens = Tokens(root);
        if (tokens.Count == 0) return null;
        var token = Pick(tokens, random);
        return (At(root, token.Span), new TextChange(token.Span, ""));
    }

    private static (string, TextChange)? DuplicateToken(SyntaxNode root, Random random)
    {
        var tokens = Tokens(root);
        if (tokens.Count == 0) return null;
        var token = Pick(tokens, random);
        return (At(root, token.Span), new TextChange(new TextSpan(token.Span.End, 0), " " + token.Text));
    }

    private static (string, TextChange)? SwapTokens(SyntaxNode root, Random random)
    {
        var tokens = Tokens(root);
        if (tokens.Count < 2) return null;
        var i = random.Next(tokens.Count - 1);
        var (first, second) = (tokens[i], tokens[i + 1]);
        var between = root.SyntaxTree.GetText().ToString(TextSpan.FromBounds(first.Span.End, second.SpanStart));
        return ($"{At(root, first.Span)} and '{second.Text}'",
            new TextChange(TextSpan.FromBounds(first.SpanStart, second.Span.End), second.Text + between + first.Text));
    }

    private static (string, TextChange)? ReplaceToken(SyntaxNode root, Random random)
    {
        var tokens = Tokens(root);
        if (tokens.Count == 0) return null;
        var token = Pick(tokens, random);
        var replacement = Pick(MutationPools.Tokens, random);
        return ($"{At(root, token.Span)} → '{replacement}'", new TextChange(token.Span, replacement));
    }

    private static List<SyntaxToken> Numbers(SyntaxNode root) =>
        root.DescendantTokens().Where(t => t.IsKind(SyntaxKind.NumericLiteralToken)).ToList();

    private static (string, TextChange)? ExtremeNumber(SyntaxNode root, Random random)
    {
        var numbers = Numbers(root);
        if (numbers.Count == 0) return null;
        var number = Pick(numbers, random);
        var replacement = Pick(MutationPools.ExtremeNumbers, random);
        return ($"{At(root, number.Span)} → {replacement}", new TextChange(number.Span, replacement));
    }

    private static (string, TextChange)? NonConstantSize(SyntaxNode root, Random random)
    {
        var numbers = Numbers(root);
        if (numbers.Count == 0) return null;
        var number = Pick(numbers, random);
        var replacement = Pick(MutationPools.NonConstantExpressions, random);
        return ($"{At(root, number.Span)} → {replacement}", new TextChange(number.Span, replacement));
    }

    /// <summary>Argument lists of calls, object creations, indexers and attributes, as (separated) nodes.</summary>
    private static List<IReadOnlyList<SyntaxNode>> ArgumentLists(SyntaxNode root) =>
        root.DescendantNodes()
            .Select(node => node switch
            {
                BaseArgumentListSyntax list => (IReadOnlyList<SyntaxNode>)list.Arguments.ToList(),
                AttributeArgumentListSyntax list => list.Arguments.ToList(),
                _ => null,
            })
            .Where(list => list is { Count: > 0 })
            .ToList()!;

    private static (string, TextChange)? DeleteArgument(SyntaxNode root, Random random)
    {
        var lists = ArgumentLists(root);
        if (lists.Count == 0) return null;
        var arguments = Pick(lists, random);
        var index = random.Next(arguments.Count);
        // Take a neighbouring comma with it, so what remains is a well-formed shorter list.
        var span = arguments.Count == 1 ? arguments[0].Span
            : index < arguments.Count - 1 ? TextSpan.FromBounds(arguments[index].SpanStart, arguments[index + 1].SpanStart)
            : TextSpan.FromBounds(arguments[index - 1].Span.End, arguments[index].Span.End);
        return (At(root, arguments[index].Span), new TextChange(span, ""));
    }

    private static (string, TextChange)? SwapArguments(SyntaxNode root, Random random)
    {
        var lists = ArgumentLists(root).Where(l => l.Count >= 2).ToList();
        if (lists.Count == 0) return null;
        var arguments = Pick(lists, random);
        var i = random.Next(arguments.Count - 1);
        var (first, second) = (arguments[i], arguments[i + 1]);
        var between = root.SyntaxTree.GetText().ToString(TextSpan.FromBounds(first.Span.End, second.SpanStart));
        return ($"{At(root, first.Span)} and '{Shorten(second.ToString())}'",
            new TextChange(TextSpan.FromBounds(first.SpanStart, second.Span.End), second.ToString() + between + first.ToString()));
    }

    private static (string, TextChange)? NullInitializer(SyntaxNode root, Random random)
    {
        var values = root.DescendantNodes()
            .Select(node => node switch
            {
                EqualsValueClauseSyntax clause => clause.Value,
                AssignmentExpressionSyntax assignment when assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) => assignment.Right,
                _ => null,
            })
            .Where(value => value is not null)
            .ToList();
        if (values.Count == 0) return null;
        var value = Pick(values, random)!;
        var replacement = Pick(new[] { "null", "null!", "default!", "default" }, random);
        return ($"{At(root, value.Span)} → {replacement}", new TextChange(value.Span, replacement));
    }

    private static List<AttributeSyntax> Attributes(SyntaxNode root, string name) =>
        root.DescendantNodes().OfType<AttributeSyntax>()
            .Where(a => a.Name.ToString() is var n && (n == name || n == name + "Attribute" || n.EndsWith("." + name, StringComparison.Ordinal)))
            .ToList();

    private static (string, TextChange)? GarbageProfileArguments(SyntaxNode root, Random random)
    {
        var attributes = Attributes(root, "MemoryProfile");
        if (attributes.Count == 0) return null;
        var attribute = Pick(attributes, random);
        var arguments = Pick(MutationPools.ProfileArguments, random);
        var span = attribute.ArgumentList?.Span ?? new TextSpan(attribute.Span.End, 0);
        return ($"({arguments})", new TextChange(span, "(" + arguments + ")"));
    }

    private static (string, TextChange)? AddBudget(SyntaxNode root, Random random)
    {
        var attributes = Attributes(root, "MemoryProfile");
        if (attributes.Count == 0) return null;
        var list = (AttributeListSyntax)Pick(attributes, random).Parent!;
        var arguments = Pick(MutationPools.BudgetArguments, random);
        return ($"[MemoryBudget({arguments})]", new TextChange(new TextSpan(list.SpanStart, 0), $"[MemoryBudget({arguments})] "));
    }

    private static List<StatementSyntax> Statements(SyntaxNode root) =>
        root.DescendantNodes().OfType<StatementSyntax>().Where(s => s is not BlockSyntax).ToList();

    private static (string, TextChange)? DeleteStatement(SyntaxNode root, Random random)
    {
        var statements = Statements(root);
        if (statements.Count == 0) return null;
        var statement = Pick(statements, random);
        return (At(root, statement.Span), new TextChange(statement.Span, ""));
    }

    private static (string, TextChange)? DuplicateStatement(SyntaxNode root, Random random)
    {
        var statements = Statements(root);
        if (statements.Count == 0) return null;
        var statement = Pick(statements, random);
        return (At(root, statement.Span), new TextChange(new TextSpan(statement.Span.End, 0), " " + statement));
    }

    private static (string, TextChange)? DeleteMember(SyntaxNode root, Random random)
    {
        var members = root.DescendantNodes().OfType<MemberDeclarationSyntax>().Where(m => m is not BaseNamespaceDeclarationSyntax).ToList();
        if (members.Count == 0) return null;
        var member = Pick(members, random);
        return (At(root, member.Span), new TextChange(member.Span, ""));
    }
}

using System.Text;

namespace TorchBudget;

/// <summary>
/// Text for the HTML report: model, layer and note texts come from user code, so every one is escaped, and
/// escaped so the page stays well-formed XML too (the five XML entities, nothing else).
/// </summary>
internal static class HtmlText
{
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                // Not allowed in HTML or XML text; a name or note never needs one.
                < ' ' and not ('\t' or '\n' or '\r') => "\uFFFD",
                _ => null,
            } ?? c.ToString());
        }
        return escaped.ToString();
    }
}

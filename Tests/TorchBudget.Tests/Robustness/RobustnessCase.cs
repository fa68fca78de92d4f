using System.Collections.Generic;
using System.Linq;

namespace TorchBudget.Tests.Robustness;

/// <summary>One source file of a case: where it claims to live and its text.</summary>
internal sealed record CaseSource(string Path, string Text);

/// <summary>
/// One generated input for the generator and analyzers: the sources of one compilation, whether TorchSharp is
/// referenced, and the MSBuild/editorconfig settings the analyzers see. <see cref="Name"/> says how it was made,
/// so a failure can be reproduced from the report alone.
/// </summary>
internal sealed record RobustnessCase(
    int Index,
    string Name,
    IReadOnlyList<CaseSource> Sources,
    bool ReferencesTorchSharp,
    IReadOnlyDictionary<string, string> GlobalOptions)
{
    public string Describe() =>
        $"case {Index}: {Name}{(ReferencesTorchSharp ? "" : " [no TorchSharp reference]")}"
        + (GlobalOptions.Count == 0 ? "" : " [" + string.Join(", ", GlobalOptions.Select(o => $"{o.Key} = {o.Value}")) + "]");
}

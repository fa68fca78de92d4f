using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TorchBudget.Bench;

/// <summary>Compilations of the corpus against the running framework, TorchSharp and TorchBudget.Runtime, as the tests make them.</summary>
internal static class BenchCompilation
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly ImmutableArray<MetadataReference> References =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll")
            .Append(typeof(TorchSharp.torch).Assembly.Location)
            .Append(typeof(MemoryProfileAttribute).Assembly.Location)
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();

    public static CSharpCompilation Create(IEnumerable<(string Name, string Source)> files) =>
        CSharpCompilation.Create(
            "BenchModels",
            files.Select(f => CSharpSyntaxTree.ParseText(f.Source, ParseOptions, path: f.Name)),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
}

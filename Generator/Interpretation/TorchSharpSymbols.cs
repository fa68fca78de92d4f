using System.Linq;
using Microsoft.CodeAnalysis;

namespace TorchBudget.Generator.Interpretation;

/// <summary>The TorchSharp types the analysis recognizes, resolved once per compilation.</summary>
internal sealed class TorchSharpSymbols
{
    private TorchSharpSymbols(Compilation compilation)
    {
        Torch = compilation.GetTypeByMetadataName("TorchSharp.torch");
        Nn = compilation.GetTypeByMetadataName("TorchSharp.torch+nn");
        Functional = compilation.GetTypeByMetadataName("TorchSharp.torch+nn+functional");
        Module = compilation.GetTypeByMetadataName("TorchSharp.torch+nn+Module");
        Tensor = compilation.GetTypeByMetadataName("TorchSharp.torch+Tensor");
        Parameter = compilation.GetTypeByMetadataName("TorchSharp.Modules.Parameter");
    }

    public INamedTypeSymbol? Torch { get; }
    public INamedTypeSymbol? Nn { get; }
    public INamedTypeSymbol? Functional { get; }
    public INamedTypeSymbol? Module { get; }
    public INamedTypeSymbol? Tensor { get; }
    public INamedTypeSymbol? Parameter { get; }

    /// <summary>The referenced TorchSharp assembly's version (0.107.0.0 for the package 0.107.0).</summary>
    public System.Version? Version => Torch?.ContainingAssembly.Identity.Version;

    /// <summary>False when the compilation does not reference TorchSharp at all.</summary>
    public bool Available => Nn is not null && Module is not null;

    public static TorchSharpSymbols From(Compilation compilation) => new(compilation);

    public bool IsModule(ITypeSymbol? type) => DerivesFrom(type, Module);

    public bool IsTensor(ITypeSymbol? type) => DerivesFrom(type, Tensor);

    public bool IsParameter(ITypeSymbol? type) => DerivesFrom(type, Parameter);

    /// <summary>A module whose constructor is in source: the interpreter runs it.</summary>
    public bool IsUserModule(ITypeSymbol? type) =>
        type is INamedTypeSymbol { TypeKind: TypeKind.Class } named && named.Locations.Any(l => l.IsInSource) && IsModule(named);

    private static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        if (baseType is null) return false;
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseType)) return true;
        }
        return false;
    }
}

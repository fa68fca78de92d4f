using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace TorchBudget.Tool;

/// <summary>
/// A built assembly's profiled models: each class with <c>[MemoryProfile]</c> and the <c>MemoryReport</c> the generator
/// gave it. The assembly is loaded with its own dependencies (its .deps.json and folder: TorchSharp and the rest), except
/// TorchBudget's runtime, which is the tool's own so that the reports are of the type the tool renders.
/// </summary>
internal static class ModelAssembly
{
    /// <summary>The reports by full class name, or null with why.</summary>
    public static IReadOnlyList<(string FullName, MemoryReport Report)>? Load(string path, out string? problem)
    {
        problem = null;
        var resolver = new AssemblyDependencyResolver(path);
        var folder = Path.GetDirectoryName(path)!;
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            var found = resolver.ResolveAssemblyToPath(name) ?? Candidate(folder, name);
            return found is null ? null : context.LoadFromAssemblyPath(found);
        };
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += (_, name) =>
            resolver.ResolveUnmanagedDllToPath(name) is { } native ? System.Runtime.InteropServices.NativeLibrary.Load(native) : IntPtr.Zero;

        Assembly assembly;
        try
        {
            assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
        }
        catch (Exception error) when (error is BadImageFormatException or FileLoadException)
        {
            problem = $"{path} is not a .NET assembly this tool can load: {error.Message}";
            return null;
        }
        if (ReferencedRuntime(assembly) is { } referenced && referenced > typeof(MemoryReport).Assembly.GetName().Version)
        {
            problem = $"{Path.GetFileName(path)} was built against TorchBudget {referenced}, newer than this tool's " +
                $"{typeof(MemoryReport).Assembly.GetName().Version}: update the tool";
            return null;
        }

        var reports = new List<(string, MemoryReport)>();
        foreach (var type in Types(assembly).Where(t => t.GetCustomAttribute<MemoryProfileAttribute>() is not null).OrderBy(t => t.FullName))
        {
            var property = type.GetProperty("MemoryReport", BindingFlags.Public | BindingFlags.Static);
            if (property?.PropertyType != typeof(MemoryReport)) continue; // the generator emitted nothing (see its warnings)
            try
            {
                reports.Add((type.FullName!, (MemoryReport)property.GetValue(null)!));
            }
            catch (TargetInvocationException error)
            {
                problem = $"{type.FullName}'s report could not be read: {error.InnerException?.Message ?? error.Message}";
                return null;
            }
        }
        return reports;
    }

    private static Version? ReferencedRuntime(Assembly assembly) =>
        assembly.GetReferencedAssemblies().FirstOrDefault(a => a.Name == typeof(MemoryReport).Assembly.GetName().Name)?.Version;

    // A type that fails to load (a dependency missing) is left out; the others are still read.
    private static IEnumerable<Type> Types(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException error)
        {
            return error.Types.Where(t => t is not null)!;
        }
    }

    // An assembly next to the target that its .deps.json does not list (a project built without one).
    private static string? Candidate(string folder, AssemblyName name)
    {
        var file = Path.Combine(folder, name.Name + ".dll");
        return File.Exists(file) ? file : null;
    }
}

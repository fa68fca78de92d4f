using System;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace TorchBudget.Tool;

/// <summary>A project the user names instead of an assembly: built in Release, and its output assembly found by MSBuild.</summary>
internal static class ProjectBuild
{
    /// <summary>The built assembly's path, or null with why.</summary>
    public static string? Build(string project, TextWriter log, out string? problem)
    {
        problem = null;
        log.WriteLine($"Building {project} (dotnet build -c Release) …");
        var build = Dotnet("build", project, "-c", "Release", "-nologo", "-v:q");
        if (build.ExitCode != 0)
        {
            problem = $"dotnet build of {project} failed (exit code {build.ExitCode}):\n{build.Output}";
            return null;
        }
        var path = Dotnet("msbuild", project, "-nologo", "-getProperty:TargetPath", "-p:Configuration=Release");
        var target = path.Output.Trim();
        if (path.ExitCode != 0 || !File.Exists(target))
        {
            problem = $"could not find {project}'s built assembly (MSBuild's TargetPath: '{target}')" +
                (path.ExitCode != 0 ? $":\n{path.Output}" : "");
            return null;
        }
        return target;
    }

    /// <summary>The project a path names: the file itself, or the one project file in a folder; null with why.</summary>
    public static string? Find(string path, out string? problem)
    {
        problem = null;
        if (File.Exists(path)) return path;
        var projects = Directory.GetFiles(path, "*.*proj").Where(f => !f.EndsWith(".vcxproj", StringComparison.OrdinalIgnoreCase)).ToList();
        if (projects.Count == 1) return projects[0];
        problem = projects.Count == 0 ? $"{path} holds no project file" : $"{path} holds {projects.Count} project files: name one";
        return null;
    }

    private static (int ExitCode, string Output) Dotnet(params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }
}

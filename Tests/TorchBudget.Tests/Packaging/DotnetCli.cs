using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace TorchBudget.Tests.Packaging;

/// <summary>What one <c>dotnet</c> command printed (stdout and stderr interleaved) and how it exited.</summary>
internal sealed record CommandResult(string CommandLine, int ExitCode, string Output, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    public override string ToString() =>
        $"$ {CommandLine}\n(exit code {ExitCode}, {Elapsed.TotalSeconds:F0} s)\n{Output}";
}

/// <summary>Runs the .NET CLI the tests themselves run under, as a user would from a shell.</summary>
internal static class DotnetCli
{
    public static async Task<CommandResult> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotnetPath())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        PrepareEnvironment(start);

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;

        var stopwatch = Stopwatch.StartNew();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            lock (output) output.AppendLine($"[killed after {timeout.TotalMinutes:F0} minutes]");
        }

        lock (output)
            return new CommandResult($"dotnet {string.Join(' ', arguments)}", process.HasExited ? process.ExitCode : -1, output.ToString(),
                stopwatch.Elapsed);
    }

    // The CLI that started the test host tells its children where it is; a plain "dotnet" otherwise.
    private static string DotnetPath() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    private static void PrepareEnvironment(ProcessStartInfo start)
    {
        // The test host inherits MSBuild variables from the build that started it; a consumer's build must
        // find its SDK and targets the way a user's shell would.
        foreach (var name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(name);
        }
        // Build servers and reused nodes outlive the command and keep its output pipes open.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        // English messages, so failures can be recognised by their text.
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
    }
}

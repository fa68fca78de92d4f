using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace TorchBudget.Tests.Reporting;

/// <summary>
/// Debian's chromium, headless, with a fresh profile and nothing that reaches the network: a screenshot of a page, or
/// the DOM it parsed. The HTML report tests need it; CI installs it (.ci/run), and so must a developer machine.
/// </summary>
internal static class HeadlessChromium
{
    public const string Executable = "/usr/bin/chromium";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    /// <summary>Renders <paramref name="htmlPath"/> in a 1200 × 1600 window to <paramref name="pngPath"/>.</summary>
    public static void Screenshot(string htmlPath, string pngPath)
    {
        Run("--window-size=1200,1600", "--screenshot=" + Path.GetFullPath(pngPath), FileUrl(htmlPath));
        Assert.True(File.Exists(pngPath), $"chromium wrote no screenshot to {pngPath}.");
    }

    /// <summary>The document as chromium parsed it (--dump-dom).</summary>
    public static string DumpDom(string htmlPath) => Run("--dump-dom", FileUrl(htmlPath));

    private static string FileUrl(string path) => new Uri(Path.GetFullPath(path)).AbsoluteUri;

    private static string Run(params string[] arguments)
    {
        Assert.True(File.Exists(Executable),
            $"{Executable} is missing: the HTML report tests render the page in a real browser. Install Debian's chromium: " +
            "sudo apt-get install -y --no-install-recommends chromium (.ci/run does it on CI).");
        var profile = Directory.CreateTempSubdirectory("tb-chromium-");
        try
        {
            var start = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile.FullName })
            {
                start.ArgumentList.Add(argument);
            }
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            using var chromium = Process.Start(start)!;
            var output = chromium.StandardOutput.ReadToEndAsync();
            var errors = chromium.StandardError.ReadToEndAsync();
            if (!chromium.WaitForExit(Limit))
            {
                chromium.Kill(entireProcessTree: true);
                Assert.Fail($"chromium {string.Join(' ', arguments)} did not finish in {Limit.TotalSeconds} s.");
            }
            chromium.WaitForExit();
            Assert.True(chromium.ExitCode == 0, $"chromium {string.Join(' ', arguments)} exited with {chromium.ExitCode}: {errors.Result}");
            return output.Result;
        }
        finally
        {
            try { profile.Delete(recursive: true); }
            catch (IOException) { } // a helper process may still hold a file; the temp folder is cleaned later
        }
    }
}

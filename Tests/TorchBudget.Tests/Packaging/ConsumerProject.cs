using System.IO;

namespace TorchBudget.Tests.Packaging;

/// <summary>
/// A fresh console app, outside the repository, that uses the TorchBudget package the way a user would:
/// one PackageReference, a profiled model, and a program printing generated and real parameter counts and
/// verifying the generated memory table with the packaged harness.
/// <see cref="WriteProject"/> makes the project of other consumers.
/// </summary>
internal static class ConsumerProject
{
    public const string AssemblyName = "PackageConsumer";

    /// <param name="directory">Empty folder to write the project into.</param>
    /// <param name="packageFeed">Local folder holding the freshly packed TorchBudget package.</param>
    /// <param name="packageVersion">The version of that package, unique to this test run.</param>
    public static void Write(string directory, string packageFeed, string packageVersion)
    {
        WriteProject(directory, AssemblyName, packageFeed, packageVersion, "Exe");
        File.WriteAllText(Path.Combine(directory, "MnistMlp.cs"), Model);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), Program);
    }

    /// <summary>A consumer's project file and NuGet.config; its sources are the caller's.</summary>
    /// <param name="properties">More MSBuild properties, as XML elements.</param>
    public static void WriteProject(string directory, string name, string packageFeed, string packageVersion, string outputType,
        string properties = "")
    {
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), ProjectFile(packageVersion, outputType, properties));
        File.WriteAllText(Path.Combine(directory, "NuGet.config"), NuGetConfig(packageFeed));
    }

    // libtorch-cpu-linux-x64: the CPU natives for this platform only, so the program can run TorchSharp.
    // NU1603: the registry here serves near versions of some of TorchSharp's dependencies (as in the repository).
    private static string ProjectFile(string packageVersion, string outputType, string properties) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>{outputType}</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <NoWarn>$(NoWarn);NU1603</NoWarn>
            {properties}
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="TorchBudget" Version="{packageVersion}" />
            <PackageReference Include="libtorch-cpu-linux-x64" Version="2.10.0" />
          </ItemGroup>
        </Project>
        """;

    // Only the package under test and the public registry, as a user's machine has them.
    private static string NuGetConfig(string packageFeed) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="torchbudget-under-test" value="{packageFeed}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
        </configuration>
        """;

    private const string Model = """
        using TorchBudget;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        namespace PackageConsumer;

        [MemoryProfile(1, 28, 28)]
        public partial class MnistMlp : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc1 = Linear(784, 128);
            private readonly Module<Tensor, Tensor> relu = ReLU();
            private readonly Module<Tensor, Tensor> fc2 = Linear(128, 10);

            public MnistMlp() : base(nameof(MnistMlp)) => RegisterComponents();

            public override Tensor forward(Tensor input) => fc2.forward(relu.forward(fc1.forward(input.flatten(1))));
        }
        """;

    // One "name=value" line per fact, for the test to parse.
    private const string Program = """
        using PackageConsumer;

        Console.WriteLine($"generated-parameters={MnistMlp.ParameterCount}");
        Console.WriteLine($"generated-trainable-parameters={MnistMlp.TrainableParameterCount}");
        Console.WriteLine($"report-complete={MnistMlp.MemoryReport.IsComplete}");
        Console.WriteLine($"real-parameters={new MnistMlp().parameters().Sum(p => p.numel())}");
        // The harness from the package, in the consumer's own process (its CPU counter patches the app's libc10.so).
        var verification = TorchBudget.Harness.MemoryHarness.Verify(new MnistMlp(), MnistMlp.MemoryReport, TorchSharp.torch.CPU, 16);
        Console.WriteLine(verification);
        Console.WriteLine($"verification-passed={verification.Passed}");
        Console.WriteLine($"verification-complete={verification.IsComplete}");
        """;
}

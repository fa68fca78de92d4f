using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Threading.Tasks;

namespace TorchBudget.Tests.Measurement;

/// <summary>
/// What TorchSharp really allocated for one training step of a zoo model, as measured by
/// Tests/TorchBudget.Measurement under its preloaded allocation tracker. Bytes throughout; the
/// definitions are those of the measurement app (StepMeasurement.cs): tensor data only, the
/// measured step being the last of three, inside a dispose scope.
/// </summary>
public sealed record MeasuredStep
{
    public string Model { get; init; } = "";
    public long Batch { get; init; }
    public string DType { get; init; } = "";
    public string Optimizer { get; init; } = "";
    public long[] InputShape { get; init; } = [];
    public string InputDType { get; init; } = "";
    public long[] OutputShape { get; init; } = [];

    /// <summary>Σ numel × element size over parameters() (all of them, frozen included).</summary>
    public long Parameters { get; init; }
    public long TrainableParameters { get; init; }
    /// <summary>Σ numel × element size over buffers().</summary>
    public long Buffers { get; init; }
    /// <summary>Tracked bytes the model's construction (and dtype conversion) left live.</summary>
    public long ModelTracked { get; init; }
    /// <summary>The input batch and the labels (Σ numel × element size).</summary>
    public long Input { get; init; }
    /// <summary>Σ over p.grad after the measured step.</summary>
    public long Gradients { get; init; }
    public long OptimizerStateAtConstruction { get; init; }
    /// <summary>What the first step left live besides the gradients (e.g. SGD momentum buffers).</summary>
    public long OptimizerStateAtFirstStep { get; init; }
    public long OptimizerState { get; init; }

    /// <summary>Tracked live bytes when the measured step begins: everything resident.</summary>
    public long LiveBeforeStep { get; init; }
    /// <summary>Live right after model.forward(x) minus <see cref="LiveBeforeStep"/>.</summary>
    public long ActivationsAfterForward { get; init; }
    /// <summary>The most live during the step minus <see cref="LiveBeforeStep"/>: what the step adds.</summary>
    public long Peak { get; init; }
    /// <summary>The most live during the step, absolute (<see cref="LiveBeforeStep"/> + <see cref="Peak"/>).</summary>
    public long PeakAbsolute { get; init; }
    /// <summary>Live after the step's scope is disposed minus <see cref="LiveBeforeStep"/> (0 in steady state).</summary>
    public long LeftAfterStep { get; init; }
    /// <summary>How much more was live before the measured step than before the one preceding it.</summary>
    public long SteadyStateDrift { get; init; }
    /// <summary>Resident bytes no part (model, input, gradients, optimizer state) explains.</summary>
    public long ResidentUnexplained { get; init; }

    /// <summary>
    /// Tensors the model's construction left allocated beyond its parameters and buffers: a layer's weight the
    /// constructor replaced, a template layer it cloned, a temporary like <c>randn(...) * 0.02</c>. Nothing holds
    /// them; they live until .NET finalizes their handles, so no table row counts them.
    /// </summary>
    public long ConstructionLeftovers => ModelTracked - Parameters - Buffers;

    /// <summary>
    /// The step's peak as the table defines it (its rows plus what the step allocates), which is also what the
    /// runtime harness measures: <see cref="PeakAbsolute"/> without <see cref="ConstructionLeftovers"/>.
    /// </summary>
    public long PeakOfTableRows => PeakAbsolute - ConstructionLeftovers;

    /// <summary>Live after each phase minus <see cref="LiveBeforeStep"/>: afterForward, afterLoss,
    /// afterZeroGrad, afterBackward, afterStep, afterScope.</summary>
    public IReadOnlyDictionary<string, long> Timeline { get; init; } = new Dictionary<string, long>();
    /// <summary>The most live during each phase (forward, loss, zeroGrad, backward, step, scopeDispose)
    /// minus <see cref="LiveBeforeStep"/>.</summary>
    public IReadOnlyDictionary<string, long> PhasePeaks { get; init; } = new Dictionary<string, long>();
    /// <summary>Forward only, eval() under no_grad.</summary>
    public InferenceMeasurement Inference { get; init; } = new();
    /// <summary>The same figures counting every aligned allocation (adds oneDNN's CPU bookkeeping).</summary>
    public JsonElement AllAligned { get; init; }

    /// <summary>Why the step was not run (the output is not [B, C]); forward and inference are still measured.</summary>
    public string? Error { get; init; }
    public double Seconds { get; init; }

    private static readonly ConcurrentDictionary<string, Lazy<MeasuredStep>> Cache = new();

    /// <summary>
    /// Measures (once per process and arguments) a training step of the zoo model named
    /// <paramref name="model"/> at batch size <paramref name="batch"/>, with parameters in
    /// <paramref name="dtype"/> (Float32, Float64, BFloat16) and the <paramref name="optimizer"/> (an
    /// <see cref="OptimizerKind"/> name).
    /// </summary>
    public static MeasuredStep Measure(string model, long batch, string dtype = "Float32", string optimizer = "Adam")
    {
        var key = $"{model} {batch} {dtype} {optimizer}";
        return Cache.GetOrAdd(key, _ => new Lazy<MeasuredStep>(() =>
        {
            var json = MeasurementApp.Run("step", model, batch.ToString(System.Globalization.CultureInfo.InvariantCulture), dtype, optimizer);
            return JsonSerializer.Deserialize<MeasuredStep>(json, MeasurementApp.JsonOptions)
                   ?? throw new InvalidOperationException($"measurement of {key} printed null");
        })).Value;
    }
}

public sealed record InferenceMeasurement
{
    public long LiveBefore { get; init; }
    public long ActivationsAfterForward { get; init; }
    public long Peak { get; init; }
    public long PeakAbsolute { get; init; }
    public long LeftAfterScope { get; init; }
}

/// <summary>Runs Tests/TorchBudget.Measurement with the allocation tracker preloaded.</summary>
public static class MeasurementApp
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>The app's DLL, as the build recorded it (see RecordMeasurementAppPath in the project).</summary>
    public static string AppPath =>
        typeof(MeasurementApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "TorchBudgetMeasurementApp")?.Value
        ?? throw new InvalidOperationException("the test assembly does not record where the measurement app is");

    /// <summary>The tracker the app's build compiled beside it.</summary>
    public static string TrackerPath => Path.Combine(Path.GetDirectoryName(AppPath)!, "libtb_alloc_tracker.so");

    /// <summary>The facts the app's <c>probes</c> command measures (bytes), by name.</summary>
    public static IReadOnlyDictionary<string, long> Probes() => Probe.Value;

    private static readonly Lazy<IReadOnlyDictionary<string, long>> Probe = new(() =>
    {
        using var document = JsonDocument.Parse(Run("probes"));
        return document.RootElement.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt64(out _))
            .ToDictionary(p => p.Name, p => p.Value.GetInt64());
    });

    /// <summary>Runs the app with the arguments and returns its JSON line; throws when it fails.</summary>
    public static string Run(params string[] arguments)
    {
        var (exitCode, output, error) = RunRaw(preload: true, arguments);
        if (exitCode != 0)
            throw new InvalidOperationException($"measurement app {string.Join(' ', arguments)} exited with {exitCode}:\n{error}\n{output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
    }

    /// <summary>Runs the app, with or without the tracker preloaded; the exit code, stdout and stderr.</summary>
    public static (int ExitCode, string Output, string Error) RunRaw(bool preload, params string[] arguments)
    {
        if (!File.Exists(AppPath)) throw new FileNotFoundException("the measurement app was not built", AppPath);
        if (preload && !File.Exists(TrackerPath)) throw new FileNotFoundException("the allocation tracker was not built (gcc, Linux)", TrackerPath);

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(AppPath)!,
        };
        start.ArgumentList.Add(AppPath);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (preload) start.Environment["LD_PRELOAD"] = TrackerPath;
        else start.Environment.Remove("LD_PRELOAD");

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"measurement app {string.Join(' ', arguments)} ran past {Timeout.TotalMinutes:F0} minutes");
        }
        Task.WaitAll(output, error);
        return (process.ExitCode, output.Result, error.Result);
    }
}

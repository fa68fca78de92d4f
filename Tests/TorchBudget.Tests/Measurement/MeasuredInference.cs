using System;
using System.Collections.Concurrent;
using System.Text.Json;

namespace TorchBudget.Tests.Measurement;

/// <summary>
/// What TorchSharp really allocated for one inference pass of a zoo model (<c>eval()</c>, then forward under
/// <c>no_grad</c> inside a DisposeScope), as the measurement app's <c>infer</c> command measures it under the allocation
/// tracker (see Tests/TorchBudget.Measurement/InferenceMeasurement.cs). Bytes, tensor data only.
/// </summary>
public sealed record MeasuredInference
{
    public string Model { get; init; } = "";
    public long Batch { get; init; }
    public string DType { get; init; } = "";
    public long[] OutputShape { get; init; } = [];
    public long Parameters { get; init; }
    public long Buffers { get; init; }
    /// <summary>The input batch (no labels).</summary>
    public long Input { get; init; }
    public long ModelTracked { get; init; }
    /// <summary>Tensors the constructor left beyond parameters and buffers (see <see cref="MeasuredStep.ConstructionLeftovers"/>).</summary>
    public long ConstructionLeftovers { get; init; }
    public long LiveBefore { get; init; }
    /// <summary>Live right after forward minus <see cref="LiveBefore"/>.</summary>
    public long ActivationsAfterForward { get; init; }
    /// <summary>The most live during the scope minus <see cref="LiveBefore"/>.</summary>
    public long Peak { get; init; }
    public long PeakAbsolute { get; init; }
    /// <summary>The peak as the table defines it: parameters + buffers + input + what forward adds (leftovers taken out).</summary>
    public long PeakOfTableRows { get; init; }
    public long LeftAfterScope { get; init; }

    private static readonly ConcurrentDictionary<string, Lazy<MeasuredInference>> Cache = new();

    /// <summary>Measures (once per process and arguments) the inference pass of the zoo model at the batch size, in the dtype.</summary>
    public static MeasuredInference Measure(string model, long batch, string dtype = "Float32")
    {
        var key = $"{model} {batch} {dtype}";
        return Cache.GetOrAdd(key, _ => new Lazy<MeasuredInference>(() =>
        {
            var json = MeasurementApp.Run("infer", model, batch.ToString(System.Globalization.CultureInfo.InvariantCulture), dtype);
            return JsonSerializer.Deserialize<MeasuredInference>(json, MeasurementApp.JsonOptions)
                   ?? throw new InvalidOperationException($"inference measurement of {key} printed null");
        })).Value;
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using static TorchSharp.torch;

namespace TorchBudget.Measurement;

/// <summary>The step command's arguments.</summary>
internal sealed record StepOptions(string Model, long Batch, string? DType, string? Optimizer, int Steps, string? Log)
{
    public static StepOptions Parse(string[] args)
    {
        var positional = new List<string>();
        var steps = 3;
        string? log = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--steps" when i + 1 < args.Length:
                    steps = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    if (steps < 2) throw new ArgumentException("--steps: at least 2 (the first step creates gradients and lazy state)");
                    break;
                case "--log" when i + 1 < args.Length:
                    log = args[++i];
                    break;
                default:
                    positional.Add(args[i]);
                    break;
            }
        }
        if (positional.Count is < 2 or > 4) throw new ArgumentException("step <model> <batch> [dtype] [optimizer] [--steps N] [--log FILE]");
        var batch = long.Parse(positional[1], CultureInfo.InvariantCulture);
        if (batch < 1) throw new ArgumentException("batch: at least 1");
        return new StepOptions(positional[0], batch, positional.ElementAtOrDefault(2), positional.ElementAtOrDefault(3), steps, log);
    }

    public static ScalarType ParseDType(string name) => name switch
    {
        "Float32" or "float32" => ScalarType.Float32,
        "Float64" or "float64" => ScalarType.Float64,
        "BFloat16" or "bfloat16" => ScalarType.BFloat16,
        "Float16" or "float16" => ScalarType.Float16,
        _ => throw new ArgumentException($"dtype {name}: Float32, Float64 or BFloat16"),
    };

    public static OptimizerKind ParseOptimizer(string name) =>
        Enum.TryParse<OptimizerKind>(name, ignoreCase: true, out var kind) && Enum.IsDefined(kind)
            ? kind
            : throw new ArgumentException($"optimizer {name}: one of {string.Join(", ", Enum.GetNames<OptimizerKind>())}");
}

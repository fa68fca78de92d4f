using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using TorchBudget.Measurement;
using static TorchSharp.torch;

// TorchBudget.Measurement: what TorchSharp really allocates for a zoo model, measured by the
// preloaded allocation tracker. Prints one JSON line. See StepMeasurement for the definitions.
//
//   step <model> <batch> [dtype] [optimizer] [--steps N] [--log FILE]
//       dtype: Float32 (default: the model's [MemoryProfile] DType), Float64, BFloat16;
//       optimizer: an OptimizerKind (default: the model's [MemoryProfile] Optimizer).
//   infer <model> <batch> [dtype] [--log FILE]
//       the inference pass: eval(), then forward under no_grad inside a DisposeScope (see InferenceMeasurement).
//   probes
//       facts the tracker must reproduce (tensor sizes, a Sequential's activations, Adam's state).
//
// Exit code 0 with the JSON (which may carry an "error" the model ran into), 2 on bad arguments,
// 3 when the tracker is not preloaded.

try
{
    Tracker.EnsurePreloaded();
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine(e.Message);
    return 3;
}

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: step <model> <batch> [dtype] [optimizer] [--steps N] [--log FILE] | "
        + "infer <model> <batch> [dtype] [--log FILE] | probes");
    return 2;
}

var stopwatch = Stopwatch.StartNew();
JsonObject result;
try
{
    switch (args[0])
    {
        case "step":
            result = StepMeasurement.Run(StepOptions.Parse(args.Skip(1).ToArray()));
            break;
        case "infer":
            result = InferenceMeasurement.Run(StepOptions.Parse(args.Skip(1).ToArray()));
            break;
        case "probes":
            result = Probes.Run();
            break;
        default:
            Console.Error.WriteLine($"unknown command {args[0]}: step, infer or probes");
            return 2;
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

result["seconds"] = Math.Round(stopwatch.Elapsed.TotalSeconds, 3);
Console.WriteLine(result.ToJsonString());
return 0;

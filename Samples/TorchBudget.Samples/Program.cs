using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using TorchBudget;
using TorchBudget.Harness;
using TorchBudget.Samples.Models;
using TorchSharp;
using static TorchSharp.torch;

// The seed models: each one's compile-time report, the largest batch under a budget, and a real training
// step on this machine's device checking every figure. Synthetic tensors of the right shapes; no data set.
// With --html DIR it also writes each model's report as a self-contained HTML page (chart included) into DIR.
string? htmlFolder = null;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--html" && i + 1 < args.Length) htmlFolder = args[++i];
    else
    {
        Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: dotnet run --project Samples/TorchBudget.Samples -c Release [-- --html DIR]");
        return 2;
    }
}
var device = torch.cuda.is_available() ? torch.CUDA : torch.CPU;
const long Budget = 8L * 1024 * 1024 * 1024;
var clock = Stopwatch.StartNew();
Console.WriteLine($"Device: {device} ({(device.type == DeviceType.CUDA ? "CUDA" : "CPU; no CUDA device visible to TorchSharp")})");
Console.WriteLine();

var allPassed = true;
allPassed &= Show(new MnistMlp(), MnistMlp.MemoryReport, verifyBatch: 64);
allPassed &= Show(new SimpleCnn(), SimpleCnn.MemoryReport, verifyBatch: 64);
allPassed &= Show(new CifarMlp(), CifarMlp.MemoryReport, verifyBatch: 64);
// ResNet-18 at 224×224 takes seconds per step on a laptop CPU: a small batch keeps the run short.
allPassed &= Show(new ResNet18(), ResNet18.MemoryReport, verifyBatch: device.type == DeviceType.CUDA ? 64 : 2);

// The batch-size finder: the report's prediction confirmed, and corrected if need be, by real steps.
Console.WriteLine("## Batch-size finder: MnistMlp under a 64 MiB budget");
Console.WriteLine();
var search = BatchSizeFinder.Find(new MnistMlp(), MnistMlp.MemoryReport, device, budgetBytes: 64L * 1024 * 1024,
    progress: line => Console.WriteLine("  " + line));
Console.WriteLine(search);
Console.WriteLine();
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:0.0} s: {(allPassed ? "every verification passed" : "a verification FAILED")}.");
return allPassed ? 0 : 1;

bool Show(nn.Module<Tensor, Tensor> model, MemoryReport report, long verifyBatch)
{
    Console.WriteLine(report.ToMarkdown());
    Console.WriteLine();
    Console.WriteLine(report.Memory?.PeakLines is not null
        ? $"Largest batch whose training peak fits 80% of {ByteUnits.Format(Budget)}: {report.MaxBatchSize(Budget):N0}"
        : $"Largest batch under {ByteUnits.Format(Budget)}: unknown, the peak is not predicted (see the notes above).");
    Console.WriteLine();
    if (htmlFolder is not null)
    {
        var page = Path.Combine(htmlFolder, report.ModelName + ".html");
        report.WriteHtml(page, Budget);
        Console.WriteLine($"HTML report: {Path.GetFullPath(page)}");
        Console.WriteLine();
    }
    var result = MemoryHarness.Verify(model, report, device, verifyBatch);
    Console.WriteLine(result);
    Console.WriteLine();
    model.Dispose();
    return result.Passed;
}

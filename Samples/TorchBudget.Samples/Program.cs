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
// ResNet-18 at 224×224 takes seconds per step on a laptop CPU: a small batch keeps the run short. Its 60 modules are shown
// as a tree two levels deep: each stage and block with its subtree's totals.
allPassed &= Show(new ResNet18(), ResNet18.MemoryReport, verifyBatch: device.type == DeviceType.CUDA ? 64 : 2, depth: 2, order: LayerOrder.Tree);

// Parametric formulas: a width sweep needs no new attributes. Each count is checked against the real module.
Console.WriteLine("## Sweeping sizes: ParameterCountFor against the real modules");
Console.WriteLine();
foreach (var hidden in new long[] { 64, 512, 2048 })
{
    using var sized = new CifarMlp(3072, hidden, 10);
    allPassed &= Sweep($"CifarMlp(3072, {hidden}, 10)", CifarMlp.ParameterCountFor(3072, hidden, 10), sized);
}
using (var hundredClasses = new ResNet18(numClasses: 100))
{
    allPassed &= Sweep("ResNet18(numClasses: 100)", ResNet18.ParameterCountFor(numClasses: 100), hundredClasses);
}
Console.WriteLine();

// A whole table at other sizes: MemoryReportFor, then a real training step that checks every figure it predicts.
var wide = CifarMlp.MemoryReportFor(3072, 2048, 10);
Console.WriteLine($"CifarMlp.MemoryReportFor(3072, 2048, 10): largest batch whose training peak fits 80% of {ByteUnits.Format(Budget)}: "
    + $"{wide.MaxBatchSize(Budget):N0}");
using (var wideModel = new CifarMlp(3072, 2048, 10))
{
    var wideResult = MemoryHarness.Verify(wideModel, wide, device, 64, progress: Progress);
    Console.WriteLine(wideResult);
    allPassed &= wideResult.Passed;
}
Console.WriteLine();

// The batch-size finder: the report's prediction confirmed, and corrected if need be, by real steps.
Console.WriteLine("## Batch-size finder: MnistMlp under a 64 MiB budget");
Console.WriteLine();
var search = BatchSizeFinder.Find(new MnistMlp(), MnistMlp.MemoryReport, device, budgetBytes: 64L * 1024 * 1024,
    progress: Progress);
Console.WriteLine(search);
Console.WriteLine();
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:0.0} s: {(allPassed ? "every verification passed" : "a verification FAILED")}.");
return allPassed ? 0 : 1;

// Each phase of a verification or a search as it ends: a step of ResNet-18 takes seconds on a CPU.
static void Progress(string line) => Console.WriteLine("  " + line);

static bool Sweep(string call, long predicted, nn.Module<Tensor, Tensor> model)
{
    var real = model.parameters().Sum(p => p.numel());
    Console.WriteLine($"  {call}: ParameterCountFor {predicted:N0}, parameters() {real:N0}: {(predicted == real ? "pass" : "FAIL")}");
    return predicted == real;
}

bool Show(nn.Module<Tensor, Tensor> model, MemoryReport report, long verifyBatch, int? depth = null, LayerOrder order = LayerOrder.NamedModules)
{
    Console.WriteLine(report.ToMarkdown(depth, order));
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
    var result = MemoryHarness.Verify(model, report, device, verifyBatch, progress: Progress);
    Console.WriteLine(result);
    Console.WriteLine();
    model.Dispose();
    return result.Passed;
}

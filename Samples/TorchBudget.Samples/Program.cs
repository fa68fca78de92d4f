using System;
using System.Linq;
using TorchBudget;
using TorchBudget.Samples.Models;

// The compile-time reports of the seed models, and TorchSharp's own count next to the generated one.
Show(MnistMlp.MemoryReport, MnistMlp.ParameterCount, new MnistMlp().parameters().Sum(p => p.numel()));
Show(SimpleCnn.MemoryReport, SimpleCnn.ParameterCount, new SimpleCnn().parameters().Sum(p => p.numel()));

static void Show(MemoryReport report, long generatedCount, long torchSharpCount)
{
    Console.WriteLine(report.ToMarkdown());
    Console.WriteLine();
    Console.WriteLine($"Generated ParameterCount = {generatedCount:N0}; TorchSharp parameters().Sum(numel) = {torchSharpCount:N0}");
    if (report.Memory?.PeakTerms is not null)
    {
        var budget = 8L * 1024 * 1024 * 1024;
        Console.WriteLine($"Largest batch whose training peak fits 80% of 8 GiB: {report.MaxBatchSize(budget):N0}");
    }
    Console.WriteLine();
}

using System;
using TorchBudget.Harness;
using TorchBudget.Harness.Measuring;
using TorchBudget.Tests.Zoo;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Harness;

/// <summary>The CUDA path: verified on a GPU where TorchSharp sees one; elsewhere it must refuse clearly, and says it was skipped.</summary>
[Collection(HarnessCollection.Name)]
public sealed class CudaVerificationTests(ITestOutputHelper output)
{
    [Fact]
    public void Verifies_on_cuda_or_refuses_clearly_without_it()
    {
        using var model = new MnistMlp();
        if (!torch.cuda.is_available())
        {
            output.WriteLine("SKIPPED the CUDA verification: TorchSharp sees no CUDA device here "
                + "(checked instead that the CUDA meter refuses clearly without the driver).");
            // TorchSharp will not even make a CUDA Device here; the meter is what the harness adds, and it must say what is missing.
            var error = Assert.Throws<InvalidOperationException>(() => new CudaMemoryMeter(0).Dispose());
            Assert.Contains("NVML", error.Message);
            return;
        }
        var result = MemoryHarness.Verify(model, MnistMlp.MemoryReport, torch.device("cuda:0"), 64);
        output.WriteLine(result.ToString());
        Assert.True(result.Passed, result.ToString());
    }
}

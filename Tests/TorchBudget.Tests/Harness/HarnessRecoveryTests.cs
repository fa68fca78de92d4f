using System;
using System.Runtime.InteropServices;
using TorchBudget.Harness;
using TorchBudget.Harness.Measuring;
using TorchBudget.Tests.Zoo;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TorchBudget.Tests.Harness;

/// <summary>The harness and the finder leave no tensors behind, after many runs and after out-of-memory.</summary>
[Collection(HarnessCollection.Name)]
public sealed class HarnessRecoveryTests(ITestOutputHelper output)
{
    [Fact]
    public void A_hundred_verifications_leave_no_tensor_behind()
    {
        using var model = new MnistMlp();
        using var counting = CpuTensorAllocations.Begin();
        var before = CpuTensorAllocations.Live;
        for (var i = 0; i < 100; i++) Assert.True(MemoryHarness.Verify(model, MnistMlp.MemoryReport, torch.CPU, 8).Passed);
        var after = CpuTensorAllocations.Live;
        output.WriteLine($"tensor bytes live before: {before:N0}, after 100 verifications: {after:N0}");
        // The gradients of the first step are the only tensors that persist (zero_grad keeps them); nothing grows after that.
        Assert.Equal(MnistMlp.MemoryReport.Memory!.GradientBytes, after - before);
    }

    [Fact]
    public void The_finder_backs_off_after_out_of_memory_and_frees_what_the_failed_step_held()
    {
        const long limit = 48;
        using var model = new ThrowsOutOfMemoryAbove(limit);
        using var counting = CpuTensorAllocations.Begin();
        var before = CpuTensorAllocations.Live;
        var search = BatchSizeFinder.Find(model, MnistMlp.MemoryReport, torch.CPU, budgetBytes: 1L << 40, maxBatchSize: 1000,
            progress: output.WriteLine);
        // Everything but the gradients, which the model keeps as any trained model does.
        var left = CpuTensorAllocations.Live - before - MnistMlp.MemoryReport.Memory!.GradientBytes;

        Assert.Equal(limit, search.LargestBatchThatRan);
        Assert.Contains(search.Probes, p => !p.Ran && p.Failure == "out of memory");
        Assert.Equal(0, left);
    }

    /// <summary>MnistMlp's layers, throwing what TorchSharp throws on a CUDA out-of-memory above a batch size, after allocating.</summary>
    private sealed class ThrowsOutOfMemoryAbove : nn.Module<Tensor, Tensor>
    {
        private readonly long limit;
        private readonly nn.Module<Tensor, Tensor> inner = new MnistMlp();

        public ThrowsOutOfMemoryAbove(long limit) : base(nameof(ThrowsOutOfMemoryAbove))
        {
            this.limit = limit;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            var output = inner.forward(input);
            if (input.shape[0] > limit && is_grad_enabled())
                throw new ExternalException($"CUDA out of memory. Tried to allocate {output.numel() * 4} bytes (simulated above batch {limit})");
            return output;
        }
    }
}

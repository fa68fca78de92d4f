namespace TorchBudget.Harness.Measuring;

/// <summary>CPU tensor bytes, exact, through <see cref="CpuTensorAllocations"/>.</summary>
internal sealed class CpuMemoryMeter : IMemoryMeter
{
    private readonly System.IDisposable session = CpuTensorAllocations.Begin();

    public string Method => "CPU: every tensor allocation libc10 makes (posix_memalign/free), counted in-process";

    public bool IsExact => true;

    public long Live => CpuTensorAllocations.Live;

    public long Peak => CpuTensorAllocations.Peak;

    public void ResetPeak() => CpuTensorAllocations.ResetPeak();

    public void Dispose() => session.Dispose();
}

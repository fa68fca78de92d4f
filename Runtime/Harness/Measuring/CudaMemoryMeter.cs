using System;
using System.Runtime.InteropServices;
using System.Threading;
using TorchSharp;

namespace TorchBudget.Harness.Measuring;

/// <summary>
/// Device memory in use on one GPU, from NVML (part of the NVIDIA driver). TorchSharp 0.107 exposes no
/// allocator statistics, so this reads what the driver has handed out. With
/// <c>PYTORCH_NO_CUDA_MEMORY_CACHING=1</c> (which the harness asks for) every tensor is its own
/// cudaMalloc and is returned when freed, so differences are real tensor memory, rounded to the driver's
/// granularity. Peak: the highest of a reading after every phase (each after a synchronize) and of a
/// sampling thread's readings in between; a spike shorter than the sampling period can be missed.
/// </summary>
internal sealed class CudaMemoryMeter : IMemoryMeter
{
    private const string Nvml = "libnvidia-ml.so.1";
    private readonly IntPtr device;
    private readonly long start;
    private readonly Thread sampler;
    private volatile bool stopping;
    private long peak;

    public CudaMemoryMeter(int deviceIndex)
    {
        try
        {
            Check(nvmlInit_v2(), "nvmlInit_v2");
        }
        catch (DllNotFoundException error)
        {
            throw new InvalidOperationException(
                $"Measuring CUDA memory needs NVML ({Nvml}, installed with the NVIDIA driver); it could not be loaded.", error);
        }
        Check(nvmlDeviceGetHandleByIndex_v2(NvmlIndex(deviceIndex), out device), "nvmlDeviceGetHandleByIndex_v2");
        torch.cuda.synchronize();
        start = Used();
        peak = 0;
        sampler = new Thread(Sample) { IsBackground = true, Name = "TorchBudget CUDA memory sampler" };
        sampler.Start();
    }

    public string Method => "CUDA: device memory in use (NVML), caching allocator off, sampled and read after each phase";

    public bool IsExact => false;

    /// <summary>Total memory of the device, for the batch-size finder's 80% rule.</summary>
    public long Total
    {
        get
        {
            Check(nvmlDeviceGetMemoryInfo(device, out var info), "nvmlDeviceGetMemoryInfo");
            return (long)info.Total;
        }
    }

    public long Live
    {
        get
        {
            torch.cuda.synchronize();
            var live = Used() - start;
            Raise(live);
            return live;
        }
    }

    public long Peak
    {
        get
        {
            _ = Live;
            return Interlocked.Read(ref peak);
        }
    }

    public void ResetPeak() => Interlocked.Exchange(ref peak, Used() - start);

    public void Dispose()
    {
        stopping = true;
        sampler.Join();
        nvmlShutdown();
    }

    /// <summary>
    /// NVML numbers every GPU of the machine; CUDA numbers those CUDA_VISIBLE_DEVICES lists, in its order. A
    /// list of UUIDs or MIG names is not mapped: then the index is taken as is.
    /// </summary>
    private static uint NvmlIndex(int cudaIndex)
    {
        var visible = Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES")
            ?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return visible is not null && cudaIndex < visible.Length && uint.TryParse(visible[cudaIndex], out var physical) ? physical : (uint)cudaIndex;
    }

    private void Sample()
    {
        while (!stopping)
        {
            Raise(Used() - start);
            Thread.Sleep(0);
        }
    }

    private void Raise(long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, value, seen) != seen) { }
    }

    private long Used()
    {
        Check(nvmlDeviceGetMemoryInfo(device, out var info), "nvmlDeviceGetMemoryInfo");
        return (long)info.Used;
    }

    private static void Check(int status, string call)
    {
        if (status != 0) throw new InvalidOperationException($"{call} failed with NVML status {status}.");
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MemoryInfo
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    [DllImport(Nvml)] private static extern int nvmlInit_v2();
    [DllImport(Nvml)] private static extern int nvmlShutdown();
    [DllImport(Nvml)] private static extern int nvmlDeviceGetHandleByIndex_v2(uint index, out IntPtr device);
    [DllImport(Nvml)] private static extern int nvmlDeviceGetMemoryInfo(IntPtr device, out MemoryInfo memory);
}

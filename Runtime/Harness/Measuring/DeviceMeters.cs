using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using TorchSharp;

namespace TorchBudget.Harness.Measuring;

/// <summary>The most exact meter each device allows.</summary>
internal static class DeviceMeters
{
    private const string NoCachingVariable = "PYTORCH_NO_CUDA_MEMORY_CACHING";

    /// <summary>
    /// Held for a whole measurement: the meters see the whole process (every tensor, the whole GPU), so two
    /// measurements at once would count each other's tensors.
    /// </summary>
    public static readonly object OneMeasurementAtATime = new();

    /// <summary>Throws, saying why, unless the harness can measure on <paramref name="device"/> here.</summary>
    public static void EnsureMeasurable(torch.Device device)
    {
        switch (device.type)
        {
            case DeviceType.CPU:
                if (!CpuTensorAllocations.IsSupported(out var why)) throw new PlatformNotSupportedException(why);
                break;
            case DeviceType.CUDA:
                if (!torch.cuda.is_available()) throw new InvalidOperationException("CUDA is not available to TorchSharp in this process.");
                break;
            default:
                throw new PlatformNotSupportedException($"The harness measures CPU and CUDA devices, not {device.type}.");
        }
    }

    public static IMemoryMeter Open(torch.Device device, List<string> notes)
    {
        EnsureMeasurable(device);
        switch (device.type)
        {
            case DeviceType.CPU:
                return new CpuMemoryMeter();
            case DeviceType.CUDA:
                if (!DisableCudaCaching())
                    notes.Add($"{NoCachingVariable} was not set when the process started; if CUDA was used before, the caching allocator " +
                        $"rounds what NVML sees. Set {NoCachingVariable}=1 for the closest figures.");
                return new CudaMemoryMeter(device.index < 0 ? 0 : device.index);
            default:
                throw new InvalidOperationException("unreachable: EnsureMeasurable accepted the device");
        }
    }

    /// <summary>Turns PyTorch's CUDA caching allocator off for this process (it reads the variable when CUDA starts); true when it
    /// was already off.</summary>
    public static bool DisableCudaCaching()
    {
        if (Marshal.PtrToStringUTF8(getenv(NoCachingVariable)) == "1") return true;
        // The native environment, which libtorch reads; Environment.SetEnvironmentVariable changes only .NET's copy.
        setenv(NoCachingVariable, "1", 1);
        return false;
    }

    [DllImport("libc")] private static extern IntPtr getenv(string name);
    [DllImport("libc")] private static extern int setenv(string name, string value, int overwrite);
}

using System;

namespace TorchBudget;

/// <summary>
/// The cards <see cref="GpuSpec.Parse(string)"/> knows. Totals are nvidia-smi's memory.total in MiB; device memory is
/// CUDA's totalGlobalMem (deviceQuery's bytes, PyTorch's total_memory) on Linux, the lowest and highest figure found in
/// public outputs (drivers differ by a few hundred MiB); compute capabilities from developer.nvidia.com/cuda-gpus.
/// No figure here was measured by TorchBudget: each comment says where it was read.
/// </summary>
internal static class GpuCatalog
{
    private const long MiB = 1L << 20;

    public static readonly GpuSpec[] Cards =
    {
        // nvidia-smi 12288MiB: geerlingguy/raspberry-pi-pcie-devices#790; deviceQuery 12884377600 B under drivers 12.0,
        // 12.3 and 12.6 (three public deviceQuery logs).
        Card("RTX 3060", 12288, 12_884_377_600, 12_884_377_600, 8, 6, "RTX 3060 12GB"),
        // nvidia-smi 24576MiB: thamada/nvidia-smi gls/RTX3090_smi.py; deviceQuery 25327697920 B (driver 560, same repo),
        // 25286672384 B (Jumperkables/cuda-benchmarking 00_deviceQuery/README.md).
        Card("RTX 3090", 24576, 25_286_672_384, 25_327_697_920, 8, 6, "RTX 3090 24GB"),
        // nvidia-smi 24564MiB: RLinf/RLinf#255; deviceQuery 25386352640 B (driver 550, thamada/nvidia-smi
        // gls/RTX4090_deviceQuery.py) to 25756696576 B (CUDA 12.1 drivers, public deviceQuery logs).
        Card("RTX 4090", 24564, 25_386_352_640, 25_756_696_576, 8, 9, "RTX 4090 24GB"),
        // ECC on, as shipped: nvidia-smi 23028MiB (modal-labs/modal-client#2797); 23609475072 B (aalanwyr/face2cuda).
        Card("A10", 23028, 23_609_475_072, 23_609_475_072, 8, 6, "A10 24GB"),
        // nvidia-smi 23034MiB (modal-labs/modal-client#2797, thamada/nvidia-smi gls/L4_smi.py); 23570219008 B
        // (gls/L4_deviceQuery.py).
        Card("L4", 23034, 23_570_219_008, 23_570_219_008, 8, 9, "L4 24GB"),
        // nvidia-smi 40960MiB (modal-labs/modal-client#2797); 42298834944 B (bottlerocket-os/bottlerocket#3873, CUDA 12.2).
        Card("A100 40GB", 40960, 42_298_834_944, 42_298_834_944, 8, 0, "A100-SXM4-40GB", "A100-PCIE-40GB", "A100 40GB PCIe"),
        // nvidia-smi 81920MiB (modal-labs/modal-client#2797); from 81049 MiB (PCIe, ekondis/mixbench#47) to 85198045184 B
        // (SXM4, CUDA 11.4, gist gengwg/3520df2ebf8872e5ee4818367e3a4122).
        Card("A100 80GB", 81920, 81049 * MiB, 85_198_045_184, 8, 0, "A100-SXM4-80GB", "A100 80GB PCIe", "A100-80GB"),
        // The SXM card ("H100 80GB HBM3"); the PCIe card reports about 100 MiB less. nvidia-smi 81559MiB
        // (NVIDIA/nccl#1264, wilicc/gpu-burn#114); PyTorch total_memory 81082 MiB (torch 2.0-2.1 logs) to
        // 85045477376 B (driver 565, thamada/nvidia-smi nvsim/H100SXMx8_deviceQuery.py).
        Card("H100 80GB", 81559, 81082 * MiB, 85_045_477_376, 9, 0, "H100", "H100 SXM", "H100 80GB HBM3", "H100 SXM5"),
        // nvidia-smi 143771MiB (public nvidia-smi logs); 143155 MiB (stas00/ml-engineering all-reduce-8xH200.md) to
        // 150149398528 B (a Kineto trace's device properties).
        Card("H200", 143771, 143155 * MiB, 150_149_398_528, 9, 0, "H200 141GB", "H200 SXM"),
        // ECC on: nvidia-smi 46068MiB (modal-labs/modal-client#2797); 47803596800 B (thamada/nvidia-smi L40S_deviceQuery).
        Card("L40S", 46068, 47_803_596_800, 47_803_596_800, 8, 9, "L40S 48GB"),
        // nvidia-smi 32607MiB (noonghunna/club-3090#1261); 33677180928 B (aikitoria/open-gpu-kernel-modules#1).
        Card("RTX 5090", 32607, 33_677_180_928, 33_677_180_928, 12, 0, "RTX 5090 32GB"),
    };

    private static GpuSpec Card(string name, long smiMiB, long low, long high, int major, int minor, params string[] aliases) =>
        new(name, smiMiB * MiB, new ByteRange(low, high), new Version(major, minor)) { Aliases = aliases };
}

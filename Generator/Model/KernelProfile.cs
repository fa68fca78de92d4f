namespace TorchBudget.Generator.Model;

/// <summary>
/// The kernels a step's work tensors depend on: the device, the CPU instruction set oneDNN picks kernels by, and the
/// thread count ATen and oneDNN size per-thread buffers by. A rule that allocates such work holds for the profile it was
/// measured on (<see cref="Measured"/>, <see cref="Layers.LayerCall.MeasuredKernels"/>); under any other the peak is
/// unknown. More CPU instruction sets, thread counts (#18) and CUDA (#19) are profiles these rules learn, not a second table.
/// </summary>
internal sealed record KernelProfile(string Device, string InstructionSet, int Threads)
{
    /// <summary>This machine's, where every work-tensor rule was measured: oneDNN's AVX-512 kernels, 2 threads.</summary>
    public static readonly KernelProfile Measured = new("CPU", "AVX-512", 2);

    public override string ToString() => $"{Device} {InstructionSet}, {Threads} threads";
}

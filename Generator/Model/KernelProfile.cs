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

    /// <summary>
    /// A CPU profile as <c>[MemoryProfile(Kernels = ...)]</c> writes it: "AVX-512" or "AVX2", optionally followed by
    /// ", N threads" (2 when not given); a leading "CPU" is allowed. Null when it is not one.
    /// </summary>
    public static KernelProfile? Parse(string? text)
    {
        if (text is null) return null;
        var parts = text.Trim().Split(',');
        var isa = parts[0].Trim();
        if (isa.StartsWith("CPU ", System.StringComparison.Ordinal)) isa = isa.Substring(4).Trim();
        if (isa is not ("AVX-512" or "AVX2") || parts.Length > 2) return null;
        var threads = Measured.Threads;
        if (parts.Length == 2)
        {
            var words = parts[1].Trim().Split(' ');
            if (words.Length != 2 || words[1] is not ("threads" or "thread") || !int.TryParse(words[0], out threads)
                || threads is < 1 or > 1024)
                return null;
        }
        return new KernelProfile("CPU", isa, threads);
    }
}

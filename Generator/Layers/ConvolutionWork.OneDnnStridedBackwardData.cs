using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// oneDNN's strided backward-data kernel (brgconv_strided:avx512_core), which computes the input's gradient of a
/// Float32 convolution with a stride other than 1, channels-last (measured on TorchSharp 0.107 / libtorch 2.10, 2
/// threads, with an allocation log and ONEDNN_VERBOSE; the scratchpad explained from oneDNN's
/// jit_brgemm_conv_bwd_utils init_conf / init_scratchpad; docs/memory-model.md). In allocation order: grad_output
/// reordered to NHWC, the weight reordered to I-blocks (Bcda16b/32b/48b/64b: in_channels padded to the block,
/// out_channels not), grad_input in NHWC, the scratchpad; after the primitive, ideep's public copy of grad_input
/// and ATen's contiguous grad_input while the NHWC one is still alive (three input-sized tensors at once).
/// </summary>
internal static class OneDnnStridedBackwardData
{
    private const long Float = 4;

    private const long Page = 4096;

    /// <summary>
    /// The scratchpad with 2 threads, less the per-thread grad_output buffers: per thread a page-rounded brgemm batch
    /// (86 descriptors of 48 bytes for kernels up to 85 elements) and a one-page mask, plus each booking's page
    /// alignment (measured constant over 45 logged shapes).
    /// </summary>
    private const long ScratchpadConstant = 28_720;

    /// <summary>Stride blocks (input size over the stride, multiplied over the dimensions) the one-page mask was measured up to.</summary>
    private const long MaskMeasuredBlocks = 320 * 320;

    /// <summary>oneDNN books one buffer set per thread; the constant and the tests are for 2.</summary>
    private const long Threads = 2;

    /// <summary>The sentence a report carries when it models this kernel.</summary>
    internal const string ThreadsNote =
        "oneDNN's strided backward-data scratchpad (one grad_output buffer per thread) is counted for 2 CPU threads, as measured; " +
        "each further thread adds one more.";

    /// <summary>
    /// Spatial sizes of the convolution as oneDNN sees it (height then width; a Conv1d has only a width), from
    /// which the kernel's padded output-gradient buffer is sized.
    /// </summary>
    internal sealed record Geometry(long[] InSizes, long[] Kernel, long[] Stride, long[] Padding);

    /// <summary>Why this kernel's work is not known for the problem, or null when it is.</summary>
    public static string? Unmodeled(OneDnnConvolutionWork.Problem p)
    {
        var g = p.Spatial;
        if (g is null) return "runs oneDNN's strided backward-data kernel (brgconv, channels-last) on a geometry the rule was not given";
        if (g.InSizes[g.InSizes.Length - 1] % g.Stride[g.Stride.Length - 1] != 0)
            return "runs oneDNN's strided backward-data kernel on a width that is not a multiple of the stride (its transposing variant " +
                "books per-thread output buffers sized by a width block oneDNN picks by heuristic; not modeled)";
        if (p.KernelElements > 85)
            return "runs oneDNN's strided backward-data kernel with more than 85 kernel elements (its brgemm batch buffer then depends on " +
                "the kernel-height block oneDNN picks; not modeled)";
        // The mask stayed one page with the scratchpad at the peak up to 320 × 320 stride blocks (a 640 × 640 input at stride
        // 2; 256 × 256 to 640 × 640 measured): past that it was not checked.
        if (Enumerable.Range(0, g.InSizes.Length).Aggregate(1L, (a, i) => checked(a * ((g.InSizes[i] + g.Stride[i] - 1) / g.Stride[i])))
            > MaskMeasuredBlocks)
            return "runs oneDNN's strided backward-data kernel on an input larger than measured (more than 320 × 320 stride blocks), where "
                + "its block mask may outgrow a page (not modeled)";
        if (PaddedInChannels(p) is null)
            return $"runs oneDNN's strided backward-data kernel, whose weight copy pads {p.InChannels} input channels to a block " +
                $"(16, 32 or 48) that oneDNN picks by an efficiency heuristic (not modeled)";
        return null;
    }

    /// <summary>
    /// Bytes the input's gradient adds beyond the incoming gradient at its two largest moments: the primitive's
    /// operands with the scratchpad, then three input-sized tensors (NHWC result, ideep's public copy, ATen's
    /// contiguous grad_input, which is the last and stays).
    /// </summary>
    public static List<ByteCount> Moments(OneDnnConvolutionWork.Problem p)
    {
        var gradOutput = GradOutputCopy(p);
        var weight = Constant(checked(PaddedInChannels(p)!.Value * p.OutChannels * p.KernelElements * Float));
        var gradInput = PerSample(checked(p.InChannels * p.InSpatial * Float));
        return
        [
            gradOutput.Plus(weight).Plus(gradInput).Plus(Constant(Scratchpad(p))),
            gradInput.Plus(gradInput).Plus(gradInput),
        ];
    }

    /// <summary>
    /// grad_output reordered to NHWC; with one output channel or one output position NCHW is already NHWC and no copy is
    /// made (measured: a Conv2d to 1 channel was 64–480 bytes high, a ConvTranspose2d from 1 channel or from a 1×1 input
    /// 1.1–1.6 % high, by exactly this copy).
    /// </summary>
    public static ByteCount GradOutputCopy(OneDnnConvolutionWork.Problem p) =>
        p.OutChannels == 1 || p.OutSpatial == 1 ? ByteCount.Zero : PerSample(checked(p.OutChannels * p.OutSpatial * Float));

    /// <summary>
    /// The user scratchpad with 2 threads: per thread a grad_output buffer over the output padded by the kernel's
    /// overflow at each border (odp·ohp·owp·out_channels floats, rounded up to 4,096 elements), plus the constant.
    /// </summary>
    public static long Scratchpad(OneDnnConvolutionWork.Problem p)
    {
        var g = p.Spatial!;
        var paddedOutput = Enumerable.Range(0, g.InSizes.Length)
            .Aggregate(1L, (a, i) => checked(a * PaddedOutputSize(g.InSizes[i], g.Kernel[i], g.Stride[i], g.Padding[i])));
        return checked(ScratchpadConstant + Threads * RoundUp(paddedOutput * p.OutChannels, Page) * Float);
    }

    /// <summary>
    /// The output size plus the rows (columns) the kernel reaches beyond it at each border: oneDNN's
    /// max(0, k − 1 − pad) / stride with the end padding it computes from the sizes, not ATen's symmetric padding.
    /// </summary>
    private static long PaddedOutputSize(long inSize, long kernel, long stride, long padding)
    {
        var outSize = (inSize + 2 * padding - kernel) / stride + 1;
        var endPadding = (outSize - 1) * stride + kernel - (inSize + padding);
        return outSize + System.Math.Max(0, kernel - 1 - padding) / stride + System.Math.Max(0, kernel - 1 - endPadding) / stride;
    }

    /// <summary>
    /// in_channels padded to the weight's block, or null when oneDNN's heuristic decides it. Blocks 64 and 48 are
    /// only tried where they divide in_channels rounded to 16, so only a 32-block (tried from 17 channels) can pad
    /// further, when that count is an odd multiple of 16 (measured: 48 → 64, 80 → 96, 200 → 224; the heuristic may pick the 16-block
    /// instead); a 1×1 kernel also tries 48 when in_channels fill 95% of it.
    /// </summary>
    private static long? PaddedInChannels(OneDnnConvolutionWork.Problem p)
    {
        var rounded = RoundUp(p.InChannels, 16);
        if (rounded == 16) return 16;
        if (rounded % 32 != 0) return null;
        var to48 = RoundUp(p.InChannels, 48);
        if (p.KernelElements == 1 && p.InChannels > 32 && to48 != rounded && p.InChannels >= 0.95 * to48) return null;
        return rounded;
    }

    private static long RoundUp(long value, long multiple) => checked((value + multiple - 1) / multiple * multiple);

    private static ByteCount Constant(long bytes) => new(bytes, 0);

    private static ByteCount PerSample(long bytes) => new(0, bytes);
}

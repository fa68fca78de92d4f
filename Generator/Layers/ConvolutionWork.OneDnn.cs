using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// The work tensors oneDNN allocates through c10 for a Float32 CPU convolution (ATen's Mkldnn backend), on a
/// CPU with AVX-512 and 2 or more threads (measured on TorchSharp 0.107 / libtorch 2.10 with an allocation log
/// and ONEDNN_VERBOSE; docs/memory-model.md). ATen hands oneDNN plain NCHW tensors; ideep reorders every
/// operand that the chosen kernel wants in another layout into a new buffer (channels padded to the block),
/// runs the primitive into a blocked result, and reorders that into the plain tensor ATen returns.
/// </summary>
internal static partial class OneDnnConvolutionWork
{
    private const long Float = 4;

    /// <summary>
    /// A 1-d or 2-d convolution with groups 1 and dilation 1 (1-d runs as 2-d with height 1). OneByOneKernel: oneDNN's
    /// 1×1 kernel (jit_1x1) runs it, see <see cref="UsesOneByOneKernel"/>.
    /// </summary>
    internal sealed partial record Problem(long InChannels, long OutChannels, long KernelElements, long KernelWidth, bool OneByOneKernel,
        bool Strided, long InSpatial, long OutSpatial, bool Bias, bool InputNeedsGradient, bool WeightNeedsGradient)
    {
        /// <summary>Per-dimension sizes, which the strided backward-data kernel's scratchpad needs.</summary>
        public OneDnnStridedBackwardData.Geometry? Spatial { get; init; }
    }

    /// <summary>
    /// Why oneDNN's work for this convolution is not known, or null when it is: the strided backward-data kernel
    /// outside the shapes <see cref="OneDnnStridedBackwardData"/> covers, and, around a wide kernel, the kernels
    /// <see cref="WideKernelUnmodeled"/> names.
    /// </summary>
    public static string? Unmodeled(Problem p) =>
        SmallerThanKernel(p) ? "gets an input smaller than its kernel, where oneDNN's work differs from the rule's (measured: by a third " +
            "to a half with 4–15 input channels; 29 % in an inference pass with 2; not modeled)"
        : p.Depthwise ? DepthwiseUnmodeled(p)
        : ThreeChannelBlocks(p) ? "runs oneDNN's backward-weights on three 16-channel blocks (33–48 input, or output beside one input " +
            "block), which its balance divides between the threads otherwise than the rule (measured: the peak 10–50 % high; not modeled)"
        : (p.InputNeedsGradient && p.Strided ? OneDnnStridedBackwardData.Unmodeled(p) : null)
        ?? WideKernelUnmodeled(p)
        ?? (p.WeightNeedsGradient && TransposesAxes(p) ? "runs oneDNN's backward-weights with its axes transposed (a 14-wide kernel " +
            "across its whole unpadded input), whose thread split was not modeled" : null);

    /// <summary>
    /// A padded input smaller than the kernel in some dimension: measured wrong by −48 % to +59 % at heights 1–4 under 3×3
    /// and 5×5 kernels with 5 input channels (the AVX2 kernel; soak seed 190), and by +29 % in the inference pass of a
    /// Conv1d with 2 input channels over a length of 1 (seed 191). Inputs as large as the kernel were exact.
    /// </summary>
    private static bool SmallerThanKernel(Problem p) =>
        p is { OneByOneKernel: false, Spatial: { } g } && g.InSizes.Where((size, i) => size < g.Kernel[i]).Any();

    /// <summary>
    /// Three 16-channel blocks where the rule books a batch split's reduction scratchpad that oneDNN did not allocate
    /// (probes of 2026-12-07): 33–48 input channels (the direct kernel from 16 on, the 1×1 kernel always; with 1, 6, 8, 16 and
    /// 48 output channels, 1×1, 3 and 5 wide, Conv1d and Conv2d: 17,600–36,032 B high), and 33–48 output channels beside
    /// 16 input channels (strides 2 and 3: 26–50 % high). 17–32 and 49–100 input channels, and 16–32 or 56–80 output
    /// channels, were exact; 64 input channels with 33–48 output channels too.
    /// </summary>
    private static bool ThreeChannelBlocks(Problem p)
    {
        if (!p.WeightNeedsGradient || (p.InChannels < 16 && !p.OneByOneKernel)) return false;
        var (inBlocks, outBlocks) = ((p.InChannels + 15) / 16, (p.OutChannels + 15) / 16);
        return inBlocks == 3 || (inBlocks == 1 && outBlocks == 3 && !p.OneByOneKernel);
    }

    /// <summary>oneDNN's direct backward-weights transposes height and width for a 14–19-wide kernel as wide as its input.</summary>
    private static bool TransposesAxes(Problem p) =>
        p.Spatial is { InSizes.Length: 2 } g && !p.OneByOneKernel && p.InChannels is < 4 or >= 16
        && g.Kernel[1] is >= 14 and < 20 && g.Kernel[1] == g.InSizes[1] && g.Stride.All(s => s == 1) && g.Padding.All(x => x == 0);

    /// <summary>
    /// The work tensors of forward, in allocation order (measured): the per-thread strided-input copy of a
    /// strided 1×1 kernel, a padded bias when out_channels is not a multiple of 16, the input blocked to 16
    /// channels (kept plain when in_channels &lt; 16 and the kernel is not 1×1, the "first layer" kernel), the weight blocked, the blocked
    /// result. All but the last are freed before ATen allocates the plain output; the last is freed after it.
    /// </summary>
    public static List<ByteCount> ForwardWork(Problem p)
    {
        // The 1×1 kernel (jit_1x1) has no first-layer variant: it blocks every input; nor has the depthwise one.
        var firstLayer = p.InChannels < 16 && !p.OneByOneKernel && !p.Depthwise;
        var work = new List<ByteCount>();
        if (p.OneByOneKernel && p.Strided) work.Add(StridedInputCopy(p));
        if (p.Bias && p.OutChannels % 16 != 0) work.Add(Constant(Pad16(p.OutChannels) * Float + 128));
        if (!firstLayer) work.Add(PerSample(Pad16(p.InChannels) * p.InSpatial * Float));
        // Depthwise weights (Goihw16g) hold one input channel per group.
        var weightInChannels = p.Depthwise ? 1 : firstLayer ? p.InChannels : Pad16(p.InChannels);
        work.Add(Constant(Pad16(p.OutChannels) * weightInChannels * p.KernelElements * Float));
        work.Add(PerSample(Pad16(p.OutChannels) * p.OutSpatial * Float));
        return work;
    }

    /// <summary>Measured for 16 and 64 input channels at 4×4 to 16×16 outputs: two threads' copies plus 128 bytes.</summary>
    private static ByteCount StridedInputCopy(Problem p) => Constant(2 * Pad16(p.InChannels) * p.OutSpatial * Float + 128);

    /// <summary>
    /// Bytes the backward adds beyond the incoming gradient at each moment that can be its largest, the
    /// gradients it returns included while they are alive (the last moment is all of them: grad_input,
    /// grad_weight, grad_bias).
    /// </summary>
    public static List<ByteCount> BackwardMoments(Problem p)
    {
        if (p.Depthwise) return DepthwiseBackwardMoments(p);
        var moments = new List<ByteCount>();
        var gradInput = p.InputNeedsGradient ? PerSample(p.InChannels * p.InSpatial * Float) : ByteCount.Zero;
        if (p.InputNeedsGradient && p.Strided)
        {
            moments.AddRange(OneDnnStridedBackwardData.Moments(p));
        }
        else if (p.InputNeedsGradient)
        {
            // grad_input is reordered to plain while its blocked copy is alive.
            var (gradOutput, weight, blockedGradInput) = BackwardDataWork(p);
            moments.Add(gradOutput.Plus(weight).Plus(blockedGradInput));
            moments.Add(blockedGradInput.Plus(gradInput));
        }
        if (p.WeightNeedsGradient && UsesGemmBackwardWeights(p))
        {
            moments.AddRange(GemmBackwardWeightsMoments(p, gradInput));
        }
        else if (p.WeightNeedsGradient)
        {
            // backward_weights: AVX-512 kernels take in_channels 1–3 (input kept plain) or ≥ 16 (16-blocks); 4–15
            // fall back to the AVX2 kernel with 8-channel blocks; the 1×1 kernel blocks every input to 16. grad_output, input and
            // grad_weight blocked, then oneDNN's bias gradient; after the blocked inputs are freed, the plain bias and weight gradients.
            var tiny = p.InChannels <= 3 && !p.OneByOneKernel;
            var block = tiny || p.InChannels >= 16 || p.OneByOneKernel ? 16 : 8;
            var gradOutput = PerSample(Pad(p.OutChannels, block) * p.OutSpatial * Float);
            var input = tiny ? ByteCount.Zero : PerSample(Pad(p.InChannels, block) * p.InSpatial * Float);
            var weightBytes = p.OutChannels * p.InChannels * p.KernelElements * Float;
            var blockedWeight = Constant(Pad(p.OutChannels, block) * (tiny ? p.InChannels : Pad(p.InChannels, block)) * p.KernelElements * Float);
            var pointwiseRtus = p.OneByOneKernel && p.Strided ? StridedInputCopy(p) : ByteCount.Zero;
            var biasBytes = p.Bias ? Constant(p.OutChannels * Float) : ByteCount.Zero;
            // oneDNN's bias gradient padded to the block where out_channels is not a multiple of it (measured: 24 output
            // channels in 16-blocks, 256 bytes), as forward pads the bias.
            var paddedBias = p.Bias && p.OutChannels % block != 0 ? Constant(Pad(p.OutChannels, block) * Float + 128) : ByteCount.Zero;
            var reduction = Constant(p.Reduction);
            moments.Add(gradInput.Plus(gradOutput).Plus(input).Plus(blockedWeight).Plus(pointwiseRtus).Plus(biasBytes).Plus(paddedBias)
                .Plus(reduction));
            moments.Add(gradInput.Plus(blockedWeight).Plus(biasBytes).Plus(biasBytes).Plus(Constant(weightBytes)));
        }
        return moments;
    }

    /// <summary>
    /// The unstrided backward-data kernel's operands (jit:avx512_core, 16-channel blocks), in allocation order: grad_output,
    /// the weight and the blocked grad_input. A stride-1 transposed convolution's forward runs this kernel too.
    /// </summary>
    public static (ByteCount GradOutput, ByteCount Weight, ByteCount BlockedGradInput) BackwardDataWork(Problem p) =>
        (PerSample(Pad16(p.OutChannels) * p.OutSpatial * Float), Constant(Pad16(p.OutChannels) * Pad16(p.InChannels) * p.KernelElements * Float),
            PerSample(Pad16(p.InChannels) * p.InSpatial * Float));

    /// <summary>
    /// A 1×1 convolution without padding runs oneDNN's 1×1 kernel unless it is strided and a spatial size is not a
    /// multiple of the stride (measured: 16, 18, 48 with strides 2 and 3 took it; 17 and 19 with stride 2 took the
    /// direct kernel, without the strided-input copy).
    /// </summary>
    public static bool UsesOneByOneKernel(long[] kernel, long[] padding, long[] stride, long[] inputSizes) =>
        kernel.All(k => k == 1) && padding.All(p => p == 0) && inputSizes.Select((size, i) => size % stride[i] == 0).All(fits => fits);

    /// <summary>Whether ATen picks oneDNN at batch 1 too (use_mkldnn: groups 1, with 2+ threads).</summary>
    public static bool MkldnnAtBatchOne(long kernelHeight, long kernelWidth, long inputElementsPerSample) =>
        (kernelHeight > 3 && kernelWidth > 3) || inputElementsPerSample > 20480;

    private static long Pad16(long channels) => Pad(channels, 16);

    private static long Pad(long channels, long block) => checked((channels + block - 1) / block * block);

    private static ByteCount Constant(long bytes) => new(bytes, 0);

    private static ByteCount PerSample(long bytes) => new(0, bytes);
}

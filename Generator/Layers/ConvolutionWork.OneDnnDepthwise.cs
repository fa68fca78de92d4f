using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// oneDNN's depthwise kernels (jit_uni_dw, read in oneDNN's jit_uni_dw_conv_kernel_utils.cpp and checked against the
/// counter): a Float32 convolution with groups = in_channels = out_channels. ideep blocks every operand to 16 channels
/// (Goihw16g weights: one input channel per group), as for the dense kernels; backward-data books nothing, and
/// backward-weights splits the batch among the threads the channel blocks leave over, each extra one with its own
/// weight and bias copy to reduce.
/// </summary>
internal static partial class OneDnnConvolutionWork
{
    internal sealed partial record Problem
    {
        /// <summary>groups = in_channels = out_channels (the kernels need a channel multiplier of 1).</summary>
        public bool Depthwise { get; init; }
    }

    /// <summary>
    /// Why oneDNN's depthwise kernels do not take this convolution (it then runs another implementation, whose work was not
    /// measured), or null: forward's width unroll must cover the padding, and backward-weights takes kernels at most 3 wide,
    /// strides no wider than the kernel, and padding of at most half the kernel (a multiple of the stride where above 1).
    /// </summary>
    private static string? DepthwiseUnmodeled(Problem p)
    {
        if (p.Spatial is not { } g) return "runs a depthwise convolution with padding: Same, which was not measured";
        if (p.OneByOneKernel) return "runs a 1×1 depthwise convolution, whose kernel was not measured";
        // A 7×7 kernel left 3.8 % more alive after an inference forward, and a 2-wide Conv1d 41 % more Activations (probe of
        // 2026-12-07): only 3-wide kernels (1 × 3 for Conv1d) were found exact.
        if (g.Kernel.Any(k => k is not (1 or 3))) return "runs a depthwise convolution with a kernel side other than 3, which was not measured";
        var twoD = g.InSizes.Length == 2;
        var (ih, iw) = (twoD ? g.InSizes[0] : 1, g.InSizes[g.InSizes.Length - 1]);
        var (kh, kw) = (twoD ? g.Kernel[0] : 1, g.Kernel[g.Kernel.Length - 1]);
        var (sh, sw) = (twoD ? g.Stride[0] : 1, g.Stride[g.Stride.Length - 1]);
        var (top, left) = (twoD ? g.Padding[0] : 0, g.Padding[g.Padding.Length - 1]);
        var (oh, ow) = ((ih + 2 * top - kh) / sh + 1, (iw + 2 * left - kw) / sw + 1);
        var (right, bottom) = (EndPadding(left, ow, iw, sw, kw), EndPadding(top, oh, ih, sh, kh));
        if (kw <= left || kw <= right || kh <= top || kh <= bottom)
            return "runs a depthwise convolution whose kernel lies wholly in the padding, which oneDNN's depthwise kernel refuses";
        var unroll = System.Math.Min(6, ow);
        if (left > unroll || EndPadding(left, ow - ow % unroll, iw, sw, kw) > unroll)
            return "runs a depthwise convolution with more padding than oneDNN's depthwise kernel unrolls, whose fallback was not measured";
        if (!p.WeightNeedsGradient) return null;
        (right, bottom) = (System.Math.Max(0, right), System.Math.Max(0, bottom));
        var fits = kw <= 3 && sw <= kw && oh == (ih + top + bottom - kh) / sh + 1 && ow == (iw + left + right - kw) / sw + 1
            && top <= kh / 2 && bottom <= kh / 2 && left <= kw / 2 && right <= kw / 2 && ih >= kh + Modulo(-top, sh)
            && (top <= 1 || top % sh == 0) && (bottom <= 1 || bottom % sh == 0);
        return fits ? null : "runs a depthwise convolution whose weight gradient oneDNN's depthwise kernel refuses (wider than 3, "
            + "a stride wider than the kernel, or more padding than half the kernel), and its fallback was not measured";
    }

    /// <summary>oneDNN's calculate_end_padding: how far the last window reaches past the input (negative: short of its end).</summary>
    private static long EndPadding(long start, long outSize, long inSize, long stride, long kernel) =>
        (outSize - 1) * stride + kernel - (inSize + start);

    private static long Modulo(long a, long b) => (a % b + b) % b;

    /// <summary>
    /// Backward's moments: backward-data's blocked gradient, weight and result, then the result's plain copy; backward-weights'
    /// blocked operands with the reduction scratchpad, then the plain weight and bias gradients beside the blocked weight.
    /// Unlike the dense kernels', the bias gradient is not padded to the block.
    /// </summary>
    private static List<ByteCount> DepthwiseBackwardMoments(Problem p)
    {
        var channels = Pad16(p.InChannels);
        var gradOutput = PerSample(channels * p.OutSpatial * Float);
        var blockedInput = PerSample(channels * p.InSpatial * Float);
        var blockedWeight = Constant(channels * p.KernelElements * Float);
        var gradInput = p.InputNeedsGradient ? PerSample(p.InChannels * p.InSpatial * Float) : ByteCount.Zero;
        var moments = new List<ByteCount>();
        if (p.InputNeedsGradient)
        {
            moments.Add(gradOutput.Plus(blockedWeight).Plus(blockedInput));
            moments.Add(blockedInput.Plus(gradInput));
        }
        if (!p.WeightNeedsGradient) return moments;
        var bias = p.Bias ? Constant(p.InChannels * Float) : ByteCount.Zero;
        moments.Add(gradInput.Plus(gradOutput).Plus(blockedInput).Plus(blockedWeight).Plus(bias).Plus(Constant(p.Reduction)));
        moments.Add(gradInput.Plus(blockedWeight).Plus(bias).Plus(bias).Plus(Constant(p.InChannels * p.KernelElements * Float)));
        return moments;
    }

    /// <summary>
    /// backward-weights' reduction (harness_mb_reduction): the channel blocks take up to all threads, the batch the threads
    /// left per block; each thread past the first on the batch books a weight and a bias copy, 128 bytes aligned each.
    /// </summary>
    private static long DepthwiseReduction(Problem p, long batch)
    {
        var blocks = Blocks(p.InChannels, 16);
        var onChannels = System.Math.Min(blocks, p.Threads);
        var onBatch = System.Math.Min(System.Math.Max(1, p.Threads / onChannels), batch);
        if (onBatch <= 1) return 0;
        var channels = Pad16(p.InChannels);
        return checked(Floats(channels * p.KernelElements * (onBatch - 1)) + (p.Bias ? Floats(channels * (onBatch - 1)) : 0));
    }
}

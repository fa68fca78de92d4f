using System.Linq;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Shapes;
using Xunit;

namespace TorchBudget.Tests.Generator;

/// <summary>
/// The oneDNN convolution rule against allocation logs taken on this machine (AVX-512, 2 threads, TorchSharp 0.107,
/// batch 2; ONEDNN_VERBOSE named the kernels). Each expected figure is a tensor allocation the tracker logged
/// inside the call, so the rule's shapes (16- or 8-channel blocks, what stays plain) are checked byte for byte.
/// </summary>
public class OneDnnConvolutionWorkTests
{
    private static OneDnnConvolutionWork.Problem Conv2d(long inChannels, long outChannels, long kernel, long inSize, long outSize, bool bias,
        bool inner, long stride = 1) =>
        new(inChannels, outChannels, kernel * kernel, kernel, kernel == 1, stride != 1, inSize * inSize, outSize * outSize, bias, inner, true);

    private static long At2(ByteCount bytes) => bytes.PinConstant() + 2 * bytes.PinPerSample();

    [Fact]
    public void First_layer_forward_keeps_the_input_plain_and_blocks_the_result_to_16_channels()
    {
        // Conv2d(3, 6, 5) on 32×32: +192 (padded bias) +4,800 (weight Acdb16a) +100,352 (result aBcd16b), then the 37,632-byte output.
        var work = OneDnnConvolutionWork.ForwardWork(Conv2d(3, 6, 5, 32, 28, bias: true, inner: false));
        Assert.Equal(new long[] { 192, 4_800, 100_352 }, work.Select(At2));
    }

    [Fact]
    public void Inner_forward_blocks_input_weight_and_result()
    {
        // Conv2d(16, 10, 3, padding: 1) on 16×16: +192 +32,768 (input aBcd16b) +9,216 (weight ABcd16b16a) +32,768 (result).
        var work = OneDnnConvolutionWork.ForwardWork(Conv2d(16, 10, 3, 16, 16, bias: true, inner: true));
        Assert.Equal(new long[] { 192, 32_768, 9_216, 32_768 }, work.Select(At2));
    }

    [Fact]
    public void Strided_pointwise_forward_copies_the_strided_input_per_thread()
    {
        // Conv2d(64, 128, 1, stride: 2) on 16×16: +32,896 first (two threads × 64 channels × 8×8 + 128).
        var work = OneDnnConvolutionWork.ForwardWork(Conv2d(64, 128, 1, 16, 8, bias: false, inner: true, stride: 2));
        Assert.Equal(new long[] { 32_896, 131_072, 32_768, 65_536 }, work.Select(At2));
    }

    [Fact]
    public void Pointwise_kernels_block_a_narrow_input_too()
    {
        // Conv1d(3, 10, 1) on 137 at batch 5: forward +43,840 (input aBcd16b) +1,024 (weight) +43,840 (result);
        // backward_weights +43,840 (grad_output) +43,840 (input) +1,024 (grad_weight), then the plain 120.
        var problem = new OneDnnConvolutionWork.Problem(3, 10, 1, 1, true, false, 137, 137, false, false, true);
        Assert.Equal(new long[] { 43_840, 1_024, 43_840 },
            OneDnnConvolutionWork.ForwardWork(problem).Select(b => b.PinConstant() + 5 * b.PinPerSample()));
        Assert.Equal(43_840 + 43_840 + 1_024, OneDnnConvolutionWork.BackwardMoments(problem).Max(b => b.PinConstant() + 5 * b.PinPerSample()));
    }

    [Fact]
    public void Backward_peaks_where_blocked_copies_overlap()
    {
        // Conv2d(6, 16, 5) on 14×14, input needing a gradient: backward_data holds grad_output 12,800, weight
        // 25,600 and grad_input 25,088 blocked to 16 (63,488, the measured peak above the incoming gradient); then
        // the AVX2 backward_weights blocks to 8: 12,800 + 12,544 + 12,800 beside the plain grad_input 9,408.
        var moments = OneDnnConvolutionWork.BackwardMoments(Conv2d(6, 16, 5, 14, 10, bias: true, inner: true)).Select(At2).ToList();
        Assert.Equal(63_488, moments.Max());
        Assert.Equal(new long[] { 63_488, 25_088 + 9_408, 9_408 + 12_800 + 12_544 + 12_800 + 64, 9_408 + 12_800 + 64 + 64 + 9_600 }, moments);
    }

    [Fact]
    public void First_layer_backward_has_no_backward_data()
    {
        // Conv2d(3, 64, 7, stride: 2, padding: 3) on 32×32, the input needs no gradient: +131,072 (grad_output
        // blocked) +37,632 (weight gradient Acdb16a), then the plain 37,632.
        var problem = Conv2d(3, 64, 7, 32, 16, bias: false, inner: false, stride: 2);
        Assert.Null(OneDnnConvolutionWork.Unmodeled(problem));
        Assert.Equal(new long[] { 168_704, 75_264 }, OneDnnConvolutionWork.BackwardMoments(problem).Select(At2));
    }

    /// <summary>
    /// A strided convolution whose input needs a gradient, with the geometry its backward-data kernel needs (square for Conv2d).
    /// </summary>
    private static OneDnnConvolutionWork.Problem Strided(int rank, long inChannels, long outChannels, long kernel, long stride, long padding,
        long inSize)
    {
        var outSize = (inSize + 2 * padding - kernel) / stride + 1;
        long Area(long size) => rank == 2 ? size * size : size;
        long[] PerDim(long value) => rank == 2 ? [value, value] : [value];
        return new OneDnnConvolutionWork.Problem(inChannels, outChannels, rank == 2 ? kernel * kernel : kernel, kernel, kernel == 1 && padding == 0,
            true, Area(inSize), Area(outSize), false, true, false)
        {
            Spatial = new OneDnnStridedBackwardData.Geometry(PerDim(inSize), PerDim(kernel), PerDim(stride), PerDim(padding)),
        };
    }

    [Theory]
    // Logged (brgconv_strided:avx512_core, batch 2): the scratchpad, then the moment grad_output (NHWC) + weight
    // (Bcda*b) + grad_input (NHWC) + scratchpad, then three input-sized tensors.
    [InlineData(2, 64, 128, 3, 2, 1, 16, 127_024, 65_536 + 294_912 + 131_072 + 127_024, 3 * 131_072)]
    [InlineData(2, 64, 128, 1, 2, 0, 56, 847_920, 802_816 + 32_768 + 1_605_632 + 847_920, 3 * 1_605_632)] // ResNet18's layer2 downsample
    [InlineData(2, 512, 512, 3, 2, 1, 14, 290_864, 200_704 + 9_437_184 + 802_816 + 290_864, 3 * 802_816)]
    [InlineData(2, 24, 40, 3, 2, 1, 32, 127_024, 81_920 + 46_080 + 196_608 + 127_024, 3 * 196_608)] // 24 input channels padded to a 32-block
    [InlineData(2, 64, 128, 3, 3, 1, 18, 94_256, 36_864 + 294_912 + 165_888 + 94_256, 3 * 165_888)] // stride 3
    [InlineData(2, 32, 32, 7, 2, 3, 16, 61_488, 16_384 + 200_704 + 65_536 + 61_488, 3 * 65_536)]
    [InlineData(1, 64, 128, 3, 2, 1, 64, 94_256, 32_768 + 98_304 + 32_768 + 94_256, 3 * 32_768)] // Conv1d
    public void Strided_backward_data_matches_the_logged_allocations(int rank, long inChannels, long outChannels, long kernel, long stride,
        long padding, long inSize, long scratchpad, long operands, long threeInputs)
    {
        var problem = Strided(rank, inChannels, outChannels, kernel, stride, padding, inSize);
        Assert.Null(OneDnnConvolutionWork.Unmodeled(problem));
        Assert.Equal(scratchpad, OneDnnStridedBackwardData.Scratchpad(problem));
        Assert.Equal(new[] { operands, threeInputs }, OneDnnConvolutionWork.BackwardMoments(problem).Select(At2));
    }

    [Fact]
    public void Strided_backward_data_scratchpad_does_not_grow_with_the_batch()
    {
        // Conv2d(64, 128, 3, stride: 2, padding: 1) on 16×16 at batch 8: 262,144 + 294,912 + 524,288 + 127,024 (the
        // same scratchpad as at batch 2), and the measured peak 1,572,864: the three input-sized tensors.
        var moments = OneDnnConvolutionWork.BackwardMoments(Strided(2, 64, 128, 3, 2, 1, 16));
        Assert.Equal(new long[] { 1_208_368, 1_572_864 }, moments.Select(b => b.PinConstant() + 8 * b.PinPerSample()));
    }

    [Fact]
    public void Kernels_with_unexplained_scratchpads_are_not_modeled()
    {
        // 48 input channels: oneDNN's heuristic picked a 32-block (weight padded to 64 channels) where a 16-block fits.
        Assert.Contains("efficiency heuristic", OneDnnConvolutionWork.Unmodeled(Strided(2, 48, 48, 3, 2, 1, 16)));
        // A width that is not a multiple of the stride runs the transposing variant (measured: 36,864 more scratchpad for 16→16 on 15×15).
        Assert.Contains("not a multiple of the stride", OneDnnConvolutionWork.Unmodeled(Strided(2, 16, 16, 3, 2, 1, 15)));
        // A 13×13 kernel (169 elements) outgrows the one-page brgemm batch (measured: 8,160 bytes more).
        Assert.Contains("more than 85 kernel elements", OneDnnConvolutionWork.Unmodeled(Strided(2, 32, 32, 13, 2, 6, 32)));
        // Around a kernel wide enough for the gemm backward-weights: backward-data and a 16+-channel forward switch
        // kernels at points the measurements did not find.
        var wideInner = new OneDnnConvolutionWork.Problem(16, 16, 15, 15, false, false, 100, 86, true, true, true);
        Assert.Contains("backward-data", OneDnnConvolutionWork.Unmodeled(wideInner));
        var wideWideInput = new OneDnnConvolutionWork.Problem(32, 64, 40, 40, false, false, 1000, 961, true, false, true);
        Assert.Contains("AVX2", OneDnnConvolutionWork.Unmodeled(wideWideInput));
    }

    private static OneDnnConvolutionWork.Problem WideFirstLayer(long inChannels, long outChannels, long kernel, long inSize, long outSize,
        bool bias = false, bool conv2d = false) =>
        new(inChannels, outChannels, conv2d ? kernel * kernel : kernel, kernel, false, false, conv2d ? inSize * inSize : inSize,
            conv2d ? outSize * outSize : outSize, bias, false, true);

    [Fact]
    public void Wide_kernels_take_the_gemm_backward_weights_where_the_direct_kernels_stop()
    {
        // ONEDNN_VERBOSE: x64:gemm:jit from 15 wide with 1, 3, 16 or 32 input channels (the AVX-512 kernel), from 14
        // with 5 or 8 (the AVX2 kernel); jit:avx512_core / jit:avx2 below.
        Assert.True(OneDnnConvolutionWork.UsesGemmBackwardWeights(WideFirstLayer(1, 16, 15, 200, 192)));
        Assert.False(OneDnnConvolutionWork.UsesGemmBackwardWeights(WideFirstLayer(1, 16, 14, 200, 193)));
        Assert.True(OneDnnConvolutionWork.UsesGemmBackwardWeights(WideFirstLayer(8, 16, 14, 200, 193)));
        Assert.False(OneDnnConvolutionWork.UsesGemmBackwardWeights(WideFirstLayer(8, 16, 13, 200, 194)));
        Assert.False(OneDnnConvolutionWork.UsesGemmBackwardWeights(WideFirstLayer(16, 16, 14, 200, 193)));
        Assert.True(OneDnnConvolutionWork.UsesGemmBackwardWeights(WideFirstLayer(32, 16, 15, 200, 192)));
    }

    [Theory]
    // Conv1d(1, 32, 80, stride: 16) on 8,000 (M5's first layer): 2 threads × (4 × 10,240 + 158,720) + 256.
    [InlineData(1, 32, 80, 8000, 496, false, 399_616)]
    // 511 outputs still split over two threads; 512 run on one.
    [InlineData(1, 32, 80, 8240, 511, false, 409_216)]
    [InlineData(1, 32, 80, 8256, 512, false, 205_056)]
    [InlineData(1, 64, 64, 4000, 493, false, 383_744)]
    [InlineData(5, 24, 33, 500, 158, false, 335_536)]
    [InlineData(8, 16, 14, 200, 193, false, 230_528)]
    // Conv2d(1, 16, 15) on 40×40 and Conv2d(3, 16, 20) on 60×60: 676 and 1,681 outputs, one thread.
    [InlineData(1, 16, 15, 40, 26, true, 666_256)]
    [InlineData(3, 16, 20, 60, 41, true, 8_376_256)]
    public void Gemm_backward_weights_scratchpad_matches_the_log(long inChannels, long outChannels, long kernel, long inSize, long outSize,
        bool conv2d, long logged)
    {
        var problem = WideFirstLayer(inChannels, outChannels, kernel, inSize, outSize, conv2d: conv2d);
        Assert.Null(OneDnnConvolutionWork.Unmodeled(problem));
        Assert.Equal(logged, OneDnnConvolutionWork.GemmBackwardWeightsScratchpad(problem));
    }

    [Fact]
    public void Gemm_backward_weights_runs_on_one_thread_at_batch_one()
    {
        // Conv1d(3, 32, 80, stride: 16) on 8,000 (24,000 input elements: ATen runs oneDNN at batch 1 too): the log
        // shows 1,198,336 at B = 2 (two threads) and 599,296 at B = 1 (one), so batch 1 needs its own pass.
        var problem = WideFirstLayer(3, 32, 80, 8000, 496);
        Assert.Equal(1_198_336, OneDnnConvolutionWork.GemmBackwardWeightsScratchpad(problem));
        Assert.Equal(599_296, OneDnnConvolutionWork.GemmBackwardWeightsScratchpad(problem with { AtBatchOne = true }));
        Assert.True(OneDnnConvolutionWork.GemmThreadsDifferAtBatchOne(problem));
        Assert.False(OneDnnConvolutionWork.GemmThreadsDifferAtBatchOne(WideFirstLayer(1, 32, 80, 8256, 512)));
    }

    [Fact]
    public void Gemm_backward_weights_works_on_plain_tensors()
    {
        // M5's first layer at B = 2 (and 3, 4, 8): +10,240 (plain weight gradient) +399,616 (scratchpad) +128 (bias
        // gradient); the scratchpad freed, +128 +10,240 (ATen's gradients) beside oneDNN's. No reordered copies in backward.
        var problem = WideFirstLayer(1, 32, 80, 8000, 496, bias: true);
        Assert.Equal(new long[] { 10_240 + 399_616 + 128, 10_240 + 128 + 128 + 10_240 }, OneDnnConvolutionWork.BackwardMoments(problem).Select(At2));
        // Forward keeps the direct first-layer kernel: +10,240 (weight Acdb16a) +126,976 (result blocked).
        Assert.Equal(new long[] { 10_240, 126_976 }, OneDnnConvolutionWork.ForwardWork(problem).Select(At2));
    }
}

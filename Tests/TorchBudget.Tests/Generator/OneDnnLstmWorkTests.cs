using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Shapes;
using Xunit;

namespace TorchBudget.Tests.Generator;

/// <summary>
/// oneDNN's LSTM sizes against allocation logs taken on this machine (TorchSharp 0.107, libtorch 2.10, oneDNN 3.7.1,
/// AVX-512, 2 threads): a 1-layer unidirectional Float32 LSTM, input [T, N, in], loss = output.sum(). Each expected
/// figure is one tensor allocation the tracker logged inside <c>mkldnn_rnn_layer</c> or its backward (more
/// figures are in docs/memory-model.md, "Float32 LSTM").
/// </summary>
public class OneDnnLstmWorkTests
{
    // T, N, in, H, then the logged workspace, reordered weights (layer, iter) and scratchpad.
    [Theory]
    [InlineData(1, 1, 5, 6, 36_864, 640, 768, 18_360)]
    [InlineData(3, 2, 5, 6, 36_864, 640, 768, 21_432)]
    [InlineData(3, 2, 5, 64, 40_960, 5_440, 69_632, 51_640)]
    [InlineData(3, 3, 5, 64, 73_728, 5_440, 69_632, 70_840)]
    [InlineData(3, 8, 5, 64, 151_552, 5_440, 69_632, 162_744)]
    [InlineData(9, 2, 5, 64, 114_688, 5_440, 69_632, 116_152)]
    [InlineData(3, 2, 300, 128, 139_264, 633_600, 270_336, 88_504)]
    [InlineData(3, 2, 5, 256, 172_032, 20_800, 1_064_960, 159_160)]
    [InlineData(2, 70, 3, 33, 634_880, 1_728, 19_008, 549_816)]
    [InlineData(100, 1, 100, 192, 1_482_752, 313_600, 602_112, 1_589_176)]
    [InlineData(100, 8, 256, 192, 14_413_824, 802_816, 602_112, 12_616_632)]
    [InlineData(100, 70, 64, 4, 19_464_192, 4_096, 256, 2_299_832)]
    [InlineData(50, 64, 256, 4, 36_134_912, 16_384, 256, 1_070_008)]
    [InlineData(25, 16, 64, 128, 4_034_560, 135_168, 270_336, 4_314_040)]
    [InlineData(10, 13, 33, 192, 2_060_288, 103_488, 602_112, 2_149_816)]
    public void Forward_work_matches_the_log(long steps, long batch, long input, long hidden, long workspace, long layerWeights, long iterWeights,
        long scratchpad)
    {
        Assert.Equal(workspace, OneDnnLstmWork.Workspace(steps, Dim.Batch, input, hidden).At(batch));
        Assert.Equal(workspace, OneDnnLstmWork.Workspace(steps, Dim.Of(batch), input, hidden).At(0));
        Assert.Equal((layerWeights, iterWeights), OneDnnLstmWork.ForwardWeights(input, hidden));
        Assert.True(OneDnnLstmWork.ForwardMergesSteps(batch));
        Assert.Equal(scratchpad, OneDnnLstmWork.Scratchpad(steps, Dim.Batch, hidden).At(batch));
    }

    [Fact]
    public void The_workspace_is_not_linear_in_the_batch()
    {
        // H = 64: 10 pages at N = 2, 18 at N = 3, 19 at N = 4 (logged).
        var workspace = OneDnnLstmWork.Workspace(3, Dim.Batch, 5, 64);
        Assert.Equal(new long[] { 40_960, 73_728, 77_824 }, new[] { workspace.At(2), workspace.At(3), workspace.At(4) });
        Assert.False(workspace.IsLinear);
    }

    [Fact]
    public void Backward_books_the_forward_scratchpad_and_forward_stops_merging_steps_at_batch_128()
    {
        // T = 2, in = 5, H = 6: backward's scratchpad 249,272 at N = 127 and 250,808 at 128 (all steps' gates),
        // forward's 249,272 and then 168,888 (one step's gates) at 128.
        var scratchpad = OneDnnLstmWork.Scratchpad(2, Dim.Batch, 6);
        Assert.Equal(249_272, scratchpad.At(127));
        Assert.Equal(250_808, scratchpad.At(128));
        Assert.False(OneDnnLstmWork.ForwardMergesSteps(128));
        Assert.Equal(168_888, OneDnnLstmWork.Scratchpad(1, Dim.Batch, 6).At(128));
    }

    // in, H, then backward's logged work in order: ldgoi weights (where padded), ldigo weight gradients, bias gradient.
    [Theory]
    [InlineData(5, 6, new long[] { 1_536, 1_536, 640, 768, 96 })]
    [InlineData(5, 64, new long[] { 16_384, 5_440, 69_632, 1_024 })]
    [InlineData(100, 128, new long[] { 229_376, 211_200, 270_336, 2_048 })]
    [InlineData(16, 32, new long[] { 8_192, 16_384, 512 })]
    [InlineData(40, 20, new long[] { 15_360, 10_240, 12_800, 6_400, 320 })]
    [InlineData(3, 33, new long[] { 8_448, 25_344, 1_728, 19_008, 528 })]
    [InlineData(64, 256, new long[] { 1_114_112, 266_240, 1_064_960, 4_096 })]
    public void Backward_weight_work_matches_the_log(long input, long hidden, long[] expected)
    {
        Assert.Equal(expected, OneDnnLstmWork.BackwardWeightWork(input, hidden));
    }

    [Fact]
    public void Single_input_channel_weights_are_not_covered()
    {
        // in = 1: forward skipped the layer weight's reorder and backward's ldigo gradient was 96 bytes, not 128 (logged).
        Assert.False(OneDnnLstmWork.Covers(1, 6));
        Assert.False(OneDnnLstmWork.Covers(5, 1));
        Assert.True(OneDnnLstmWork.Covers(2, 2));
    }
}

using System.Collections.Generic;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// What one ATen <c>mkldnn_rnn_layer</c> call (one layer, one direction of a Float32 LSTM) and its backward
/// allocate on oneDNN 3.7.1's RNN (libtorch 2.10; ONEDNN_VERBOSE names the "ref" implementation for
/// forward_training and backward, on AVX-512 and under ONEDNN_MAX_CPU_ISA=AVX2 alike). T steps, N the batch,
/// <c>in</c> the layer's input features, H the hidden size; "gld(k)" is oneDNN's <c>get_good_ld</c> in floats:
/// k rounded up to 16, plus 16 when that is a multiple of 256. Derived from oneDNN's sources (rnn_utils
/// <c>set_offsets</c>, <c>set_workspace_sizes</c>, <c>init_conf</c>, ref_rnn <c>init_scratchpad</c>) and checked
/// against allocation logs (docs/memory-model.md, "Float32 LSTM"). Weights with a single input channel
/// (in = 1 or H = 1) skip or shrink some reorders (logged, not modeled): <see cref="Covers"/> is false there.
/// </summary>
internal static class OneDnnLstmWork
{
    /// <summary>oneDNN starts each workspace and scratchpad region on a page of this many bytes.</summary>
    public const long Page = 4096;

    /// <summary>Where the rule holds: both weights have at least two input channels.</summary>
    public static bool Covers(long input, long hidden) => input >= 2 && hidden >= 2;

    /// <summary>oneDNN's <c>get_good_ld</c> for floats: a 64-byte multiple that is not a multiple of 1,024 bytes.</summary>
    public static long GoodLd(long floats)
    {
        var ld = (floats + 15) / 16 * 16;
        return ld % 256 == 0 ? ld + 16 : ld;
    }

    /// <summary>
    /// The workspace forward keeps for backward (ATen allocates <c>workspace_desc().get_size()</c> bytes as a uint8
    /// tensor): <c>set_offsets</c> starts each region on a page — gates T·N·gld(4H), ht T·N·gld(H), three
    /// states regions (ws_states_layer, then ws_states_iter registered twice) and the two diff-states regions, each
    /// 2·(T+1)·N·gld(max(in, H)), and the c-state and diff-c-state regions 2·(T+1)·N·H, all in floats.
    /// </summary>
    public static ByteCount Workspace(long steps, Dim batch, long input, long hidden)
    {
        var states = PerBatch(batch, checked(2 * (steps + 1) * GoodLd(System.Math.Max(input, hidden)) * 4));
        var cells = PerBatch(batch, checked(2 * (steps + 1) * hidden * 4));
        return Pages(PerBatch(batch, checked(steps * GoodLd(4 * hidden) * 4)), 1)
            .Plus(Pages(PerBatch(batch, checked(steps * GoodLd(hidden) * 4)), 1))
            .Plus(Pages(states, 5))
            .Plus(Pages(cells, 2));
    }

    /// <summary>
    /// The scratchpad ideep allocates for one execution (the same size for forward_training and backward, logged on
    /// about 70 shapes). <c>init_scratchpad</c> books oneDNN's RNN space — the scratch gates (T·N·gld(4H) floats, all
    /// steps at once because oneDNN merges the layer gemm over time), scratch ht and diff ht (N·gld(H) each), each on a
    /// page — with 4,096 bytes of alignment, four pointer arrays (8 + 128 bytes each), and then the gates, ht and diff ht
    /// again as typed entries whose sizes are already bytes but are booked as floats (four times the bytes, plus 128
    /// each); 24 more bytes were measured and not traced to a booking. Forward stops merging the layer gemm from a
    /// batch of 128 (the scratch gates are then one step's): <see cref="ForwardMergesSteps"/>.
    /// </summary>
    public static ByteCount Scratchpad(long steps, Dim batch, long hidden)
    {
        var gates = checked(steps * GoodLd(4 * hidden) * 4);
        var ht = checked(GoodLd(hidden) * 4);
        return new ByteCount(Page + 4 * (8 + 128) + 3 * 128 + 24, 0)
            .Plus(PerBatch(batch, checked(4 * (gates + 2 * ht))))
            .Plus(Pages(PerBatch(batch, gates), 1))
            .Plus(Pages(PerBatch(batch, ht), 2));
    }

    /// <summary>Forward merges the layer gemm over the steps (so its scratch gates hold all of them) below a batch of 128.</summary>
    public static bool ForwardMergesSteps(long batch) => batch < 128;

    /// <summary>
    /// Forward's weights, reordered from ATen's ldgoi to oneDNN's ldigo with the leading dimension gld(4H): in·gld(4H)
    /// and H·gld(4H) floats, allocated before the scratchpad and freed with it.
    /// </summary>
    public static (long Layer, long Iter) ForwardWeights(long input, long hidden) =>
        (checked(input * GoodLd(4 * hidden) * 4), checked(hidden * GoodLd(4 * hidden) * 4));

    /// <summary>
    /// What backward allocates inside the call besides ATen's gradients, in order, all freed before it returns:
    /// each weight in ldgoi with the leading dimension gld(k) (4H·gld(k) floats; none where gld(k) = k, the plain
    /// layout already), the two weight gradients in ldigo (k·gld(4H) floats, reordered into ATen's afterwards) and the
    /// bias gradient (4H floats, copied into ATen's); then the scratchpad.
    /// </summary>
    public static IReadOnlyList<long> BackwardWeightWork(long input, long hidden)
    {
        var work = new List<long>();
        if (GoodLd(input) != input) work.Add(checked(4 * hidden * GoodLd(input) * 4));
        if (GoodLd(hidden) != hidden) work.Add(checked(4 * hidden * GoodLd(hidden) * 4));
        var (layer, iter) = ForwardWeights(input, hidden);
        work.Add(layer);
        work.Add(iter);
        work.Add(checked(4 * hidden * 4));
        return work;
    }

    /// <summary>rows·N bytes: per sample when N is the batch, constant otherwise.</summary>
    private static ByteCount PerBatch(Dim batch, long bytesPerRow) => batch.IsConstant()
        ? new ByteCount(checked(batch.PinCoefficient() * bytesPerRow), 0)
        : new ByteCount(0, checked(batch.PinCoefficient() * bytesPerRow));

    private static ByteCount Pages(ByteCount bytes, int times) =>
        ByteCount.Of(RoundedBytes.Pages(bytes.PinConstant(), bytes.PinPerSample(), Page).WithTimes(times));
}

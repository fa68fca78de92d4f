using System;
using System.Collections.Generic;
using static System.FormattableString;

namespace TorchBudget.Cuda;

/// <summary>
/// One entry of PyTorch's allocator trace (<c>torch.cuda.memory._snapshot()["device_traces"]</c>): the action
/// ("alloc", "free_requested", "free_completed", "segment_alloc", "segment_free", "oom", ...), the block's or segment's
/// address and the size the trace records (the unrounded request for blocks, the whole size for segments).
/// </summary>
public sealed record AllocatorTraceEvent(string Action, long Address, long Size);

/// <summary>A segment cached when a trace starts, with its blocks in address order (from the snapshot's "segments").</summary>
public sealed record CachedSegment(long Address, IReadOnlyList<(long Size, bool Allocated)> Blocks);

/// <summary>
/// What replaying a recorded trace through <see cref="CachingAllocatorSimulator"/> gave: its peaks, and the first event
/// where the simulation placed a block or opened a segment differently from the real allocator (null when none did).
/// </summary>
public sealed record AllocatorReplay(long PeakAllocated, long PeakReserved, string? Divergence);

/// <summary>Replays a recorded allocator trace, event by event, checking each placement against the recorded one.</summary>
public static class AllocatorTrace
{
    /// <summary>Replays the events from the segments cached when recording started (the peaks start from those).</summary>
    public static AllocatorReplay Replay(IEnumerable<CachedSegment> initial, IEnumerable<AllocatorTraceEvent> events)
    {
        var gpu = new CachingAllocatorSimulator();
        foreach (var segment in initial) gpu.AddSegment(segment.Address, segment.Blocks);
        long? segmentAddress = null;
        var index = 0;
        string? divergence = null;
        foreach (var e in events)
        {
            divergence ??= Play(gpu, e, index, ref segmentAddress);
            index++;
        }
        return new AllocatorReplay(gpu.PeakAllocated, gpu.PeakReserved, divergence);
    }

    private static string? Play(CachingAllocatorSimulator gpu, AllocatorTraceEvent e, int index, ref long? segmentAddress)
    {
        switch (e.Action)
        {
            case "segment_alloc":
                segmentAddress = e.Address;
                return null;
            case "alloc":
                var segments = gpu.SegmentCount;
                var address = gpu.Allocate(e.Size, segmentAddress);
                var opened = gpu.SegmentCount > segments;
                var expected = segmentAddress is not null;
                segmentAddress = null;
                if (opened != expected)
                {
                    var recorded = expected ? "opened" : "reused";
                    var simulated = opened ? "opened one" : "reused a cached block";
                    return Invariant($"event {index}: {e.Size:N0} B {recorded} a segment, the simulation {simulated}");
                }
                return address == e.Address ? null
                    : Invariant($"event {index}: {e.Size:N0} B went to 0x{e.Address:x}, the simulation put it at 0x{address:x}");
            case "free_completed":
                gpu.Free(e.Address);
                return null;
            case "segment_free":
            case "oom":
                // The simulation releases segments only when a cudaMalloc fails; a trace of a step that fits has neither.
                return $"event {index}: {e.Action}, which the replay does not follow";
            default:
                return null; // free_requested (completed at once on one stream), snapshot, ...
        }
    }
}

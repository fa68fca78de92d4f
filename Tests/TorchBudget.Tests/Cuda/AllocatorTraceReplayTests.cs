using System.IO;
using System.Linq;
using TorchBudget.Cuda;
using Xunit;

namespace TorchBudget.Tests.Cuda;

/// <summary>
/// Replaying allocator traces in the format bench/gpu/trace_step.py records. The trace here is written by hand from the
/// algorithm (PyTorch records the unrounded request for blocks, the whole size for segments); traces recorded on a GPU
/// go in Cuda/Traces and must replay to the byte.
/// </summary>
public sealed class AllocatorTraceReplayTests
{
    private const long MiB = 1024 * 1024;
    private const long Segment1 = 0x7f00_0000_0000;
    private const long Segment2 = 0x7f00_0200_0000;

    // A 512 B tensor cached from before (torch.zeros(1)), then a step: a 3 MB activation (3,000,320 B in a 20 MiB
    // segment, 17,971,200 B cached after it), an 18 MB one that does not fit there (18,000,384 B in an 18 MiB segment,
    // taken whole: 873,984 B would remain), the loss (512 B after the old tensor), the activations freed (each segment is
    // whole again), then 2.5 MB, whose best fit is the 18 MiB block. Allocated peaks at 512 + 3,000,320 + 18,874,368 + 512
    // = 21,875,712; reserved at 2 + 20 + 18 MiB = 41,943,040.
    private const string Trace = """
        [{"model":"Hand","batch":1,
          "initial_segments":[[139637976727552,2097152,[[512,"active_allocated"],[2096640,"inactive"]]]],
          "after_setup":{"allocated":512,"reserved":2097152},
          "max_memory_allocated":21875712,"max_memory_reserved":41943040,
          "events":[
            ["segment_alloc",139637993504768,20971520],["alloc",139637993504768,3000000],
            ["segment_alloc",139638027059200,18874368],["alloc",139638027059200,18000000],
            ["alloc",139637976728064,4],
            ["free_requested",139637993504768,3000000],["free_completed",139637993504768,3000000],
            ["free_requested",139638027059200,18000000],["free_completed",139638027059200,18000000],
            ["alloc",139638027059200,2500000]]}]
        """;

    [Fact]
    public void A_hand_written_trace_replays_to_its_recorded_peaks()
    {
        var step = RecordedStep.Parse(Trace).Single();
        var replay = AllocatorTrace.Replay(step.Initial, step.Events);
        Assert.Null(replay.Divergence);
        Assert.Equal(step.MaxMemoryAllocated, replay.PeakAllocated);
        Assert.Equal(step.MaxMemoryReserved, replay.PeakReserved);
    }

    [Fact]
    public void A_block_placed_elsewhere_is_reported_with_its_event()
    {
        var step = RecordedStep.Parse(Trace.Replace("[\"alloc\",139638027059200,2500000]", "[\"alloc\",139637993504768,2500000]"))
            .Single();
        var replay = AllocatorTrace.Replay(step.Initial, step.Events);
        Assert.StartsWith("event 9: 2,500,000 B went to 0x7f0001000000, the simulation put it at 0x7f0003000000", replay.Divergence);
    }

    [Fact]
    public void A_segment_opened_where_a_cached_block_fits_is_reported()
    {
        var events = new[]
        {
            new AllocatorTraceEvent("segment_alloc", Segment1, 2 * MiB), new AllocatorTraceEvent("alloc", Segment1, 100),
            new AllocatorTraceEvent("segment_alloc", Segment2, 2 * MiB), new AllocatorTraceEvent("alloc", Segment2, 100),
        };
        var replay = AllocatorTrace.Replay([], events);
        Assert.Equal("event 3: 100 B opened a segment, the simulation reused a cached block", replay.Divergence);
    }

    /// <summary>Every trace recorded on a GPU (none yet: no GPU has been lent) replays byte-exact.</summary>
    [Fact]
    public void Recorded_gpu_traces_replay_to_the_byte()
    {
        var folder = Path.Combine(RepositoryRoot.Path, "Tests", "TorchBudget.Tests", "Cuda", "Traces");
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.json") : [];
        foreach (var step in files.SelectMany(f => RecordedStep.Parse(File.ReadAllText(f))))
        {
            var replay = AllocatorTrace.Replay(step.Initial, step.Events);
            Assert.True(replay.Divergence is null, $"{step.Model} B={step.Batch}: {replay.Divergence}");
            Assert.Equal(step.MaxMemoryAllocated, replay.PeakAllocated);
            Assert.Equal(step.MaxMemoryReserved, replay.PeakReserved);
        }
    }
}

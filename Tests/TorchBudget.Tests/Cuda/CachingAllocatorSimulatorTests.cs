using TorchBudget.Cuda;
using Xunit;

namespace TorchBudget.Tests.Cuda;

/// <summary>
/// The caching allocator's simulation on traces whose figures follow by hand from the algorithm in
/// c10/cuda/CUDACachingAllocator.cpp (each expected number is worked out in the comment beside it).
/// </summary>
public sealed class CachingAllocatorSimulatorTests
{
    private const long KiB = 1024;
    private const long MiB = 1024 * KiB;

    [Theory]
    [InlineData(1, 512)]
    [InlineData(511, 512)]
    [InlineData(512, 512)]
    [InlineData(513, 1024)]
    [InlineData(4000, 4096)]
    public void Rounds_requests_up_to_512_bytes(long requested, long block)
    {
        var gpu = new CachingAllocatorSimulator();
        gpu.Allocate(requested);
        Assert.Equal(block, gpu.Allocated);
        Assert.Equal(requested, gpu.Requested);
        Assert.Equal(2 * MiB, gpu.Reserved); // a small request opens a 2 MiB segment
    }

    [Fact]
    public void A_zero_byte_request_takes_no_block()
    {
        var gpu = new CachingAllocatorSimulator();
        Assert.Equal(0L, gpu.Allocate(0));
        gpu.Free(0);
        Assert.Equal(0, gpu.Reserved);
    }

    [Fact]
    public void Small_requests_share_2_MiB_segments()
    {
        var gpu = new CachingAllocatorSimulator();
        var a = gpu.Allocate(MiB); // exactly 1 MiB is still small: segment 1, 1 MiB left
        var b = gpu.Allocate(MiB); // takes the rest of segment 1 whole
        gpu.Allocate(MiB); // segment 2
        Assert.Equal(a + MiB, b);
        Assert.Equal(4 * MiB, gpu.Reserved);
        Assert.Equal(2, gpu.SegmentCount);
    }

    [Fact]
    public void Requests_between_1_and_10_MiB_share_20_MiB_segments()
    {
        var gpu = new CachingAllocatorSimulator();
        gpu.Allocate(MiB + 1); // large: 1 MiB + 512 in a 20 MiB segment
        Assert.Equal(20 * MiB, gpu.Reserved);
        for (var i = 0; i < 3; i++) gpu.Allocate(5 * MiB); // 1 MiB + 512 + 15 MiB: 4 MiB − 512 left
        Assert.Equal(20 * MiB, gpu.Reserved);
        gpu.Allocate(5 * MiB); // does not fit the 4 MiB − 512 left: a second 20 MiB segment
        Assert.Equal(40 * MiB, gpu.Reserved);
        gpu.Allocate(10 * MiB - 512); // fits the 15 MiB cached in the second segment
        Assert.Equal(40 * MiB, gpu.Reserved);
    }

    [Theory]
    [InlineData(10 * MiB, 10 * MiB)]
    [InlineData(10 * MiB + 1, 12 * MiB)]
    [InlineData(100 * MiB - 512, 100 * MiB)]
    [InlineData(10 * MiB - 512, 20 * MiB)]
    public void Requests_of_10_MiB_and_more_take_their_own_size_rounded_to_2_MiB(long requested, long segment)
    {
        var gpu = new CachingAllocatorSimulator();
        gpu.Allocate(requested);
        Assert.Equal(segment, gpu.Reserved);
    }

    [Fact]
    public void A_large_block_is_not_split_when_1_MiB_or_less_would_remain()
    {
        var gpu = new CachingAllocatorSimulator();
        gpu.Allocate(19 * MiB); // a 20 MiB segment; 1 MiB would remain, which is not more than 1 MiB: the whole block
        Assert.Equal(20 * MiB, gpu.Allocated);
        Assert.Equal(19 * MiB, gpu.Requested);

        var other = new CachingAllocatorSimulator();
        other.Allocate(19 * MiB - 512); // 1 MiB + 512 remains: split
        Assert.Equal(19 * MiB - 512, other.Allocated);
        other.Allocate(MiB + 512); // the remainder, large pool, taken whole
        Assert.Equal(20 * MiB, other.Reserved);
    }

    [Fact]
    public void A_request_takes_the_smallest_cached_block_that_holds_it()
    {
        var gpu = new CachingAllocatorSimulator();
        var a = gpu.Allocate(3 * MiB)!.Value; // segment [a, a + 20 MiB)
        gpu.Allocate(3 * MiB / 2);
        var c = gpu.Allocate(2 * MiB)!.Value; // at a + 4.5 MiB
        gpu.Allocate(3 * MiB / 2); // at a + 6.5 MiB; 12 MiB cached after it
        gpu.Free(a);
        gpu.Free(c);
        Assert.Equal(c, gpu.Allocate(2 * MiB)); // 2 MiB fits 2 MiB best, not the 3 MiB block before it
        Assert.Equal(a, gpu.Allocate(5 * MiB / 2)); // the 3 MiB block: 0.5 MiB would remain, so it is taken whole
        Assert.Equal(3 * MiB + 3 * MiB / 2 + 2 * MiB + 3 * MiB / 2, gpu.Allocated);
        Assert.Equal(20 * MiB, gpu.Reserved);
    }

    [Fact]
    public void Equal_cached_blocks_are_chosen_by_address()
    {
        var gpu = new CachingAllocatorSimulator();
        var high = gpu.Allocate(12 * MiB, segmentAddress: 0x9000_0000)!.Value;
        var low = gpu.Allocate(12 * MiB, segmentAddress: 0x1000_0000)!.Value;
        gpu.Free(high);
        gpu.Free(low);
        Assert.Equal(low, gpu.Allocate(11 * MiB));
    }

    [Fact]
    public void Freed_neighbours_merge_so_a_larger_request_reuses_the_segment()
    {
        var gpu = new CachingAllocatorSimulator();
        var a = gpu.Allocate(6 * MiB)!.Value;
        var b = gpu.Allocate(6 * MiB)!.Value; // 8 MiB cached after b
        gpu.Free(a);
        gpu.Free(b); // a, b and the 8 MiB merge into the whole 20 MiB segment
        Assert.Equal(a, gpu.Allocate(15 * MiB)); // no new segment: without the merge 15 MiB would open a 16 MiB one
        Assert.Equal(20 * MiB, gpu.Reserved);
        Assert.Equal(20 * MiB, gpu.PeakReserved);
        Assert.Equal(15 * MiB, gpu.Allocated);
        Assert.Equal(15 * MiB, gpu.PeakAllocated); // 12 MiB before
    }

    [Fact]
    public void Empty_cache_releases_only_segments_no_tensor_uses()
    {
        var gpu = new CachingAllocatorSimulator();
        var a = gpu.Allocate(100)!.Value;
        var b = gpu.Allocate(100)!.Value;
        var c = gpu.Allocate(100)!.Value;
        var d = gpu.Allocate(12 * MiB)!.Value;
        gpu.Free(a);
        gpu.Free(c);
        gpu.EmptyCache(); // b still holds the small segment; d the large one
        Assert.Equal(2 * MiB + 12 * MiB, gpu.Reserved);
        gpu.Free(b); // the small segment is whole again, merged from three blocks and the rest
        gpu.EmptyCache();
        Assert.Equal(12 * MiB, gpu.Reserved);
        gpu.Free(d);
        gpu.EmptyCache();
        Assert.Equal(0, gpu.Reserved);
        Assert.Equal(14 * MiB, gpu.PeakReserved);
    }

    [Fact]
    public void Out_of_memory_releases_cached_segments_and_retries()
    {
        var gpu = new CachingAllocatorSimulator(capacity: 40 * MiB);
        gpu.Allocate(5 * MiB); // segment 1: 20 MiB, 15 MiB of it cached
        var b = gpu.Allocate(16 * MiB)!.Value; // segment 2: 16 MiB; 36 MiB reserved
        gpu.Free(b); // segment 2 is cached whole
        var c = gpu.Allocate(18 * MiB); // neither cached block holds 18 MiB; 36 + 18 > 40: release segment 2, retry
        Assert.NotNull(c);
        Assert.Equal(20 * MiB + 18 * MiB, gpu.Reserved); // segment 1 stays: it is split and in use
        Assert.Equal(38 * MiB, gpu.PeakReserved);
        Assert.Equal(0, gpu.OutOfMemoryCount);
    }

    [Fact]
    public void Out_of_memory_when_the_released_cache_is_not_enough()
    {
        var gpu = new CachingAllocatorSimulator(capacity: 30 * MiB);
        gpu.Allocate(15 * MiB); // a 16 MiB segment, taken whole: the 1 MiB left is not more than 1 MiB
        Assert.Null(gpu.Allocate(20 * MiB)); // 16 + 20 > 30 and nothing cached to release
        Assert.Equal(1, gpu.OutOfMemoryCount);
        Assert.Equal(16 * MiB, gpu.Reserved);
        Assert.Equal(16 * MiB, gpu.Allocated);
        Assert.Equal(15 * MiB, gpu.Requested);
    }

    [Fact]
    public void A_step_with_the_cuBLAS_workspace_in_a_20_MiB_segment()
    {
        var gpu = new CachingAllocatorSimulator();
        const long workspace = 4096 * 1024 * 2 + 16 * 1024 * 8; // 8,519,680 B: cuBLAS's default, a multiple of 512
        var ws = gpu.Allocate(workspace)!.Value; // 20 MiB segment, 12,451,840 B cached after it
        var x = gpu.Allocate(3_000_000)!.Value; // block 3,000,320 after the workspace; 9,451,520 cached
        Assert.Equal(ws + workspace, x);
        gpu.Allocate(10_000_000); // block 10,000,384, under 10 MiB and over 9,451,520: a second 20 MiB segment
        gpu.Allocate(4); // the loss: 512 B in a 2 MiB segment
        gpu.Free(x); // merges with the 9,451,520 after it: 12,451,840 cached
        var z = gpu.Allocate(12_000_000)!.Value; // block 12,000,256: best fit is segment 1's 12,451,840 (segment 2 has
                                                   // 10,971,136); 451,584 would remain, not over 1 MiB: taken whole
        Assert.Equal(x, z);
        Assert.Equal(8_519_680 + 10_000_384 + 512 + 12_451_840, gpu.Allocated); // 30,972,416
        Assert.Equal(30_972_416, gpu.PeakAllocated);
        Assert.Equal(8_519_680 + 10_000_000 + 4 + 12_000_000, gpu.Requested);
        Assert.Equal(2 * 20 * MiB + 2 * MiB, gpu.Reserved); // 44,040,192
        Assert.Equal(44_040_192, gpu.PeakReserved);
    }

    [Fact]
    public void Peaks_restart_from_the_current_figures()
    {
        var gpu = new CachingAllocatorSimulator();
        var a = gpu.Allocate(30 * MiB)!.Value;
        gpu.Free(a);
        gpu.EmptyCache();
        gpu.ResetPeaks();
        gpu.Allocate(MiB);
        Assert.Equal(MiB, gpu.PeakAllocated);
        Assert.Equal(2 * MiB, gpu.PeakReserved);
    }
}

namespace TorchBudget.Cuda;

/// <summary>
/// The size rules of PyTorch's CUDA caching allocator (c10/cuda/CUDACachingAllocator.cpp, libtorch 2.10) under its
/// default configuration: no PYTORCH_CUDA_ALLOC_CONF, so no max_split_size, no power-of-two rounding, no expandable
/// segments and no garbage-collection threshold.
/// </summary>
public static class CachingAllocatorRules
{
    /// <summary>Every block is a multiple of this (kMinBlockSize).</summary>
    public const long MinBlockSize = 512;

    /// <summary>Rounded requests up to this size take the small pool (kSmallSize).</summary>
    public const long SmallSize = 1L << 20;

    /// <summary>The segment a small-pool miss reserves (kSmallBuffer).</summary>
    public const long SmallBuffer = 2L << 20;

    /// <summary>The segment a large-pool miss under <see cref="MinLargeAlloc"/> reserves (kLargeBuffer).</summary>
    public const long LargeBuffer = 20L << 20;

    /// <summary>From this size on, a miss reserves the request itself, rounded to <see cref="RoundLarge"/> (kMinLargeAlloc).</summary>
    public const long MinLargeAlloc = 10L << 20;

    /// <summary>The rounding of segments for requests of <see cref="MinLargeAlloc"/> and more (kRoundLarge).</summary>
    public const long RoundLarge = 2L << 20;

    /// <summary>The block size a request takes: a multiple of 512, at least 512.</summary>
    public static long RoundSize(long requested) =>
        requested < MinBlockSize ? MinBlockSize : MinBlockSize * ((requested + MinBlockSize - 1) / MinBlockSize);

    /// <summary>Whether a block of this (rounded) size comes from the small pool.</summary>
    public static bool IsSmall(long blockSize) => blockSize <= SmallSize;

    /// <summary>The segment cudaMalloc'd when no cached block fits a block of this (rounded) size.</summary>
    public static long SegmentSize(long blockSize) =>
        blockSize <= SmallSize ? SmallBuffer
        : blockSize < MinLargeAlloc ? LargeBuffer
        : RoundLarge * ((blockSize + RoundLarge - 1) / RoundLarge);

    /// <summary>
    /// Whether a free block of <paramref name="available"/> bytes is split to serve <paramref name="blockSize"/>: in the
    /// small pool when at least 512 bytes remain, in the large pool when more than 1 MiB remains; otherwise the whole
    /// block is handed out and counts as allocated.
    /// </summary>
    public static bool Splits(long available, long blockSize)
    {
        var remaining = available - blockSize;
        return IsSmall(blockSize) ? remaining >= MinBlockSize : remaining > SmallSize;
    }
}

namespace TorchBudget.Generator.Interpretation;

/// <summary>Bounds that keep the interpreter fast on every keystroke and safe on odd code.</summary>
internal static class InterpreterLimits
{
    /// <summary>Operations evaluated per model before the analysis gives up (loops over huge ranges).</summary>
    public const long MaxSteps = 1_000_000;

    /// <summary>Nested constructor and method calls (recursive modules, runaway recursion).</summary>
    public const int MaxCallDepth = 48;

    /// <summary>Iterations of one loop.</summary>
    public const int MaxLoopIterations = 100_000;

    /// <summary>
    /// Parameters and buffers one layer may register (an LSTM with num_layers = 2^31 would loop for minutes);
    /// real layers register a few hundred at most.
    /// </summary>
    public const int MaxTensorsPerLayer = 100_000;

    /// <summary>Batch sizes from which kernels change that get a forward pass of their own (each pass costs a whole forward).</summary>
    public const int MaxBatchRegimes = 4;

    /// <summary>Tensors one symbolic forward pass may create (live bytes are re-summed at each one).</summary>
    public const int MaxForwardTensors = 5_000;

    /// <summary>How often the same user module type may be under construction (A holds B holds A…).</summary>
    public const int MaxSameTypeNesting = 8;

    /// <summary>
    /// Modules inside modules (Sequential(Sequential(...)) built in a loop). Real models nest a few dozen deep at
    /// most; names, forward and registration recurse once per level, so a deeper tree is not followed.
    /// </summary>
    public const int MaxModuleDepth = 500;
}

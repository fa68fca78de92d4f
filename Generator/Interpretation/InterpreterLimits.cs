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

    /// <summary>
    /// Batch sizes from which kernels change that get a forward pass of their own (each pass costs a whole forward): a
    /// YOLO-style neck's convolutions change their oneDNN reduction plans at 10.
    /// </summary>
    public const int MaxBatchRegimes = 16;

    /// <summary>Tensors one symbolic forward pass may create (live bytes are re-summed at each one).</summary>
    public const int MaxForwardTensors = 5_000;

    /// <summary>How often the same user module type may be under construction (A holds B holds A…).</summary>
    public const int MaxSameTypeNesting = 8;

    /// <summary>
    /// Modules inside modules (Sequential(Sequential(...)) built in a loop). Real models nest a few dozen deep at
    /// most; names, forward and registration recurse once per level, so a deeper tree is not followed.
    /// </summary>
    public const int MaxModuleDepth = 500;

    /// <summary>
    /// Constructions a model's parametric formulas may run (each is one run of the constructor): the profiled one, then
    /// one per other value tried of a size the constructor decides on (a depth).
    /// </summary>
    public const int MaxParametricRuns = 32;

    /// <summary>The values 1 … this of a confined size (a depth) that get a construction path of their own.</summary>
    public const long MaxExploredSize = 16;

    /// <summary>How far on either side of its profiled value a confined size is also tried.</summary>
    public const long ExploredNeighbours = 4;
}

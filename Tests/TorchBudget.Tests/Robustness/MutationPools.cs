namespace TorchBudget.Tests.Robustness;

/// <summary>What mutations put into sources: values chosen to hit overflow, sign, constness and parser edge cases.</summary>
internal static class MutationPools
{
    /// <summary>Numbers at the edges: zero, negative, int/long limits, products that overflow a long, non-integers.</summary>
    public static readonly string[] ExtremeNumbers =
    {
        "0", "-1", "-7", "1", "int.MaxValue", "int.MinValue", "long.MaxValue", "long.MinValue", "2147483648",
        "4294967296L", "9223372036854775807", "(long.MaxValue / 2 + 1)", "unchecked(int.MaxValue + 1)", "3037000500",
        "1e308", "double.NaN", "0.5", "-0.0", "65536", "(int.MaxValue * 2)", "ulong.MaxValue",
    };

    /// <summary>Sizes only known at run time (or not at all: undefined names, I/O the analysis must not do).</summary>
    public static readonly string[] NonConstantExpressions =
    {
        "Environment.ProcessorCount", "int.Parse(\"12\")", "new Random(1).Next(1, 9)", "DateTime.Now.Second + 1",
        "Console.Read()", "System.IO.File.ReadAllText(\"size.txt\").Length", "args.Length", "Size()", "(int)Math.Sqrt(49)",
        "GetHashCode()", "Environment.GetEnvironmentVariable(\"N\")!.Length", "default", "null", "new object()",
    };

    /// <summary>Tokens dropped into random places: keywords, punctuation, names that mean something to the analysis.</summary>
    public static readonly string[] Tokens =
    {
        "null", "default", "this", "new", "(", ")", "{", "}", "[", "]", ";", ",", "=>", "base", "forward",
        "RegisterComponents()", "-", "*", "/", "static", "partial", "abstract", "<T>", "?", "!", "throw", "ref", "out",
        "0", "long.MaxValue", "Linear", "Sequential", "nameof", "typeof(int)", "__arglist", "goto", "yield", "await",
        "unsafe", "stackalloc", "checked", "dynamic", "@", "#if", "/*", "\"", "'", "$\"", "=",
    };

    /// <summary>Argument lists for [MemoryProfile(...)]: empty, wrong types, extreme sizes, invalid named arguments.</summary>
    public static readonly string[] ProfileArguments =
    {
        "", "0", "-1, -1", "long.MaxValue, long.MaxValue", "int.MaxValue, int.MaxValue, int.MaxValue", "\"x\"", "null",
        "new long[0]", "1, BatchSizes = null", "1, BatchSizes = new long[] { 0, -1, long.MaxValue }", "1, BatchSizes = new long[] { long.MaxValue }",
        "1, Arguments = null", "1, Arguments = new object[] { null, 1.5, \"x\", typeof(int), new int[] { 1 } }",
        "1, DType = (ScalarType)999", "1, InputDType = ScalarType.ComplexFloat64", "1, Optimizer = (OptimizerKind)(-1)",
        "1, 28, 28, Arguments = new object[] { long.MaxValue, long.MaxValue }", "1, Arguments = new object[] { 18446744073709551615UL }",
        "typeof(string)", "1, Unknown = 3", "1, DType = ScalarType.Int64", "1 +", "1, 2, 3, 4, 5, 6, 7, 8, 9, 10",
        "(short)1, (byte)2, 'c'", "1, DType = ScalarType.Float16", "1, DType = ScalarType.BFloat16, InputDType = ScalarType.Bool",
        "4, Arguments = new object[] { -1L, 0L, int.MaxValue }", "long.MaxValue", "Environment.ProcessorCount",
        "1, Arguments = new object[] { new object[] { new object[] { } } }", "1, Arguments = new object[] { 'c', true, 1f, (byte)1 }",
    };

    /// <summary>[MemoryBudget] arguments: unparsable, negative, overflowing budgets; odd batch sizes and safety factors.</summary>
    public static readonly string[] BudgetArguments =
    {
        "\"8 GiB\"", "\"lots\"", "\"\"", "\"-1 KiB\"", "\"99999999999999 EiB\"", "\"1 B\", BatchSize = 1", "\"NaN GB\"", "null",
        "\"8 GiB\", BatchSize = 0", "\"8 GiB\", BatchSize = -1", "\"8 GiB\", BatchSize = long.MaxValue", "\"1 KiB\", BatchSize = 256",
        "\"8 GiB\", SafetyFactor = 0", "\"8 GiB\", SafetyFactor = -1", "\"8 GiB\", SafetyFactor = 1e308", "\"8 GiB\", SafetyFactor = double.NaN",
        "\"9223372036854775807 B\", BatchSize = 3", "\"1.5 TB\", BatchSize = 64, SafetyFactor = 0.8",
    };

    /// <summary>Project-wide settings (MSBuild properties the package makes visible to the analyzers).</summary>
    public static readonly (string Key, string[] Values)[] GlobalOptions =
    {
        ("build_property.TorchBudgetMemoryBudget", new[] { "8 GiB", "lots", "", "-3 MB", "99999999999999999999 B", "1 B" }),
        ("build_property.TorchBudgetBatchSize", new[] { "64", "0", "-1", "9223372036854775807", "x", "99999999999999999999" }),
        ("build_property.TorchBudgetMaxLayerParameters", new[] { "1", "0", "-5", "1_000", "garbage", "9223372036854775807", "" }),
    };

    /// <summary>Values for the size holes of the handwritten modules.</summary>
    public static readonly string[] Sizes =
    {
        "1", "4", "16", "64", "0", "-3", "int.MaxValue", "long.MaxValue", "100000", "3037000500", "Environment.ProcessorCount", "2147483647L",
    };

    /// <summary>Values for the count holes (depths, repetitions) of the handwritten modules.</summary>
    public static readonly string[] Counts = { "0", "1", "2", "3", "50", "1001", "20000", "int.MaxValue", "-1" };
}

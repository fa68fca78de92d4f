using System;
using Xunit;

namespace TorchBudget.Tests.Reporting;

/// <summary>Sizes as people write them, the one parser budgets, the analyzers and the command-line tool share.</summary>
public sealed class ByteUnitsParseTests
{
    [Theory]
    [InlineData("8 GiB", 8L * 1024 * 1024 * 1024)]
    [InlineData(" 512 mib ", 512L * 1024 * 1024)]
    [InlineData("24GB", 24_000_000_000L)]
    [InlineData("1.5 GB", 1_500_000_000L)]
    [InlineData("1.5 KiB", 1536L)]
    [InlineData("100 B", 100L)]
    [InlineData("8 EiB", null)] // no exa unit: not a size
    [InlineData("7 PiB", 7L * 1024 * 1024 * 1024 * 1024 * 1024)]
    public void Parses_binary_and_decimal_units(string text, long? expected)
    {
        if (expected is { } bytes) Assert.Equal(bytes, ByteUnits.Parse(text));
        else Assert.Throws<FormatException>(() => ByteUnits.Parse(text));
    }

    [Theory]
    [InlineData("8", "has no unit")]
    [InlineData("eight GiB", "is not a memory size")]
    [InlineData("0 B", "not a positive size")]
    [InlineData("0.4 B", "not a positive size")]
    [InlineData("9000 PiB", "larger than a 64-bit byte count")]
    [InlineData("99999999999999999999999999999999999 PB", "larger than a 64-bit byte count")]
    public void Says_why_a_text_is_not_a_size(string text, string why)
    {
        var error = Assert.Throws<FormatException>(() => ByteUnits.Parse(text));
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }
}

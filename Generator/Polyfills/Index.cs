namespace System;

// netstandard2.0 lacks System.Index, which C# list patterns ([a, b]) need.
internal readonly struct Index : IEquatable<Index>
{
    private readonly int value;

    public Index(int value, bool fromEnd = false) => this.value = fromEnd ? ~value : value;

    public int Value => value < 0 ? ~value : value;

    public bool IsFromEnd => value < 0;

    public int GetOffset(int length) => IsFromEnd ? length - ~value : value;

    public static implicit operator Index(int value) => new(value);

    public bool Equals(Index other) => value == other.value;

    public override bool Equals(object? obj) => obj is Index other && Equals(other);

    public override int GetHashCode() => value;
}

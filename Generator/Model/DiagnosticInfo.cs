namespace TorchBudget.Generator.Model;

/// <summary>A diagnostic found while parsing, kept as equatable data (descriptor ID, place, message arguments).</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> MessageArgs);

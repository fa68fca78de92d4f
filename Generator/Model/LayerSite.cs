namespace TorchBudget.Generator.Model;

/// <summary>Where a layer was built (its factory call) and its parameter count: what TBG002 checks. Not emitted.</summary>
internal sealed record LayerSite(string Name, string Kind, long ParameterCount, LocationInfo? Location);

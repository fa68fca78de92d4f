namespace TorchBudget.Generator;

/// <summary>Names of the incremental pipeline's steps, for WithTrackingName and the cachedness tests.</summary>
internal static class TrackingNames
{
    public const string Models = nameof(Models);
    public const string Emittable = nameof(Emittable);
}

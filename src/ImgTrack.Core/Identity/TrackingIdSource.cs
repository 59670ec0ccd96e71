namespace ImgTrack;

/// <summary>Which of an image's identifiers became its tracking ID. <see cref="ImageIdentity.TrackingIdSource"/> holds the
/// value's name as text (<c>RepoDigest</c>, <c>ImageId</c>), which is what Export-Csv and ConvertTo-Json write.</summary>
public enum TrackingIdSource
{
    /// <summary>The image has a repo digest (it was pushed to or pulled from a registry): Kubernetes reports the same.</summary>
    RepoDigest,

    /// <summary>The image has no repo digest (never pushed or pulled): the engine's image ID stands in.</summary>
    ImageId,
}

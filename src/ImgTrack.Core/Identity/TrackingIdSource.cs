namespace ImgTrack;

/// <summary>Which of an image's identifiers became its tracking ID.</summary>
public enum TrackingIdSource
{
    /// <summary>The image has a repo digest (it was pushed to or pulled from a registry): Kubernetes reports the same.</summary>
    RepoDigest,

    /// <summary>The image has no repo digest (never pushed or pulled): the engine's image ID stands in.</summary>
    ImageId,
}

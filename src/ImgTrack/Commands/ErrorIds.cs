namespace ImgTrack.Commands;

/// <summary>
/// Every error ID an ImgTrack cmdlet writes, declared once: stable PascalCase names that scripts and tests pin
/// (<c>-ErrorId 'ImageNotFound,ImgTrack.Commands.GetImageIdentityCommand'</c>) and the help lists.
/// </summary>
internal static class ErrorIds
{
    /// <summary>An item failed: the text is not a valid image name (or is empty or null).</summary>
    public const string InvalidImageReference = nameof(InvalidImageReference);

    /// <summary>An item failed: the text is no form of Kubernetes imageID, repo digest or image ID.</summary>
    public const string InvalidTrackingId = nameof(InvalidTrackingId);

    /// <summary>An item failed: the engine has no such image.</summary>
    public const string ImageNotFound = nameof(ImageNotFound);

    /// <summary>An item failed: the engine answered this one image with an error.</summary>
    public const string ImageInspectFailed = nameof(ImageInspectFailed);

    /// <summary>The run failed: the engine does not answer, or stopped answering.</summary>
    public const string EngineUnreachable = nameof(EngineUnreachable);

    /// <summary>The run failed: the endpoint settings cannot work.</summary>
    public const string InvalidEngineConfiguration = nameof(InvalidEngineConfiguration);

    /// <summary>The run failed: the endpoint answered, but not as a Docker engine does.</summary>
    public const string EngineProtocolError = nameof(EngineProtocolError);

    /// <summary>The run failed: the engine answered, then a request got no answer within -TimeoutSec.</summary>
    public const string EngineTimeout = nameof(EngineTimeout);

    /// <summary>The run failed: the engine's API version is older than ImgTrack needs.</summary>
    public const string EngineApiTooOld = nameof(EngineApiTooOld);
}

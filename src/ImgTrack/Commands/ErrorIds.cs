namespace ImgTrack.Commands;

/// <summary>
/// Every error ID an ImgTrack cmdlet writes, declared once: stable PascalCase names that scripts and tests pin
/// (<c>-ErrorId 'ImageNotFound,ImgTrack.Commands.GetImageIdentityCommand'</c>) and the help lists. The values are a
/// public contract: add new ones, rename none. Which failure each stands for, and its category, is one row of
/// <see cref="Reporting.ErrorTable"/>.
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

    /// <summary>An item failed: an image ID was given to -Remote, and a registry looks up names only.</summary>
    public const string RemoteNameRequired = nameof(RemoteNameRequired);

    /// <summary>An item failed: the registry has no such repository, tag or digest.</summary>
    public const string ManifestNotFound = nameof(ManifestNotFound);

    /// <summary>An item failed: the registry refused the credentials, or their absence.</summary>
    public const string RegistryUnauthorized = nameof(RegistryUnauthorized);

    /// <summary>An item failed: the image has no manifest for the platform.</summary>
    public const string PlatformNotFound = nameof(PlatformNotFound);

    /// <summary>An item failed: the registry's bytes do not hash to their digest (a security error).</summary>
    public const string DigestMismatch = nameof(DigestMismatch);

    /// <summary>An item failed: the registry's answer is no manifest ImgTrack can read.</summary>
    public const string UnsupportedManifest = nameof(UnsupportedManifest);

    /// <summary>An item failed: the registry could not be reached, or kept failing.</summary>
    public const string RegistryUnavailable = nameof(RegistryUnavailable);

    /// <summary>The run failed: -Credential was given for names in more than one registry.</summary>
    public const string CredentialSpansRegistries = nameof(CredentialSpansRegistries);

    /// <summary>The run failed: the engine answered, then a request got no answer within -TimeoutSec.</summary>
    public const string EngineTimeout = nameof(EngineTimeout);

    /// <summary>The run failed: the engine's API version is older than ImgTrack needs.</summary>
    public const string EngineApiTooOld = nameof(EngineApiTooOld);

    /// <summary>An item failed: a cluster object has no imageID and is no pod.</summary>
    public const string ImageIdMissing = nameof(ImageIdMissing);

    /// <summary>An item failed: an inventory row identifies no image (no ImageId or TrackingKey, or one that is no tracking ID).</summary>
    public const string InvalidInventoryImage = nameof(InvalidInventoryImage);

    /// <summary>The run failed: the -ClusterPath file is not the JSON of kubectl get pods -o json.</summary>
    public const string InvalidClusterFile = nameof(InvalidClusterFile);

    /// <summary>The run failed: the -ClusterPath file cannot be opened.</summary>
    public const string ClusterFileUnreadable = nameof(ClusterFileUnreadable);
}

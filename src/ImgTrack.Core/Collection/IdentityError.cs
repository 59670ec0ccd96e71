namespace ImgTrack.Collection;

/// <summary>Why one input gave no identity. The names are the cmdlet's error IDs.</summary>
public enum IdentityError
{
    /// <summary>The text breaks the reference grammar; the engine was not asked.</summary>
    InvalidImageReference,

    /// <summary>The engine has no image by that name or ID.</summary>
    ImageNotFound,

    /// <summary>The engine answered the image request with an error of its own.</summary>
    ImageInspectFailed,

    /// <summary>A registry was to be asked about an image ID: registries look up names (tags and digests) only.</summary>
    RemoteNameRequired,

    /// <summary>A registry gave no identity for the name; <see cref="IdentityOutcome.Exception"/> is the
    /// <see cref="Registry.RegistryException"/> whose <see cref="Registry.RegistryException.Error"/> says why.</summary>
    RegistryFailed,
}

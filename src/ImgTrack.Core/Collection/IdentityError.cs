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

    /// <summary>The registry has no such repository, tag or digest (<see cref="Registry.RegistryError.ManifestNotFound"/>).</summary>
    ManifestNotFound,

    /// <summary>The registry refused the credentials, or their absence (<see cref="Registry.RegistryError.RegistryUnauthorized"/>).</summary>
    RegistryUnauthorized,

    /// <summary>The image has no manifest for the platform (<see cref="Registry.RegistryError.PlatformNotFound"/>).</summary>
    PlatformNotFound,

    /// <summary>The registry's bytes do not hash to their digest (<see cref="Registry.RegistryError.DigestMismatch"/>).</summary>
    DigestMismatch,

    /// <summary>The registry's answer is no manifest ImgTrack can read (<see cref="Registry.RegistryError.UnsupportedManifest"/>).</summary>
    UnsupportedManifest,

    /// <summary>The registry could not be reached or kept failing (<see cref="Registry.RegistryError.RegistryUnavailable"/>).</summary>
    RegistryUnavailable,
}

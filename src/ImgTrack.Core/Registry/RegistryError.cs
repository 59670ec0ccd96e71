
namespace ImgTrack.Registry;

/// <summary>Why a registry gave no identity for a name. The names are the cmdlet's error IDs.</summary>
public enum RegistryError
{
    /// <summary>The registry has no such repository, tag or digest (404).</summary>
    ManifestNotFound,

    /// <summary>The registry refused the credentials, or their absence (401/403); the message names the scope.</summary>
    RegistryUnauthorized,

    /// <summary>The index has no manifest for the platform, or a single-platform image is for another platform.</summary>
    PlatformNotFound,

    /// <summary>The bytes served do not hash to the digest the registry sent or the name asked for (a security error).</summary>
    DigestMismatch,

    /// <summary>The answer is not a manifest or index ImgTrack can read: malformed JSON, an unknown media type, too large.</summary>
    UnsupportedManifest,

    /// <summary>The registry could not be reached or kept failing: refused, TLS failure, timeouts, 5xx, 429 after retries.</summary>
    RegistryUnavailable,
}

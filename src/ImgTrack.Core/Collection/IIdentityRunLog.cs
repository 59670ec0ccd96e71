using ImgTrack.Engine;
using ImgTrack.Registry;

namespace ImgTrack.Collection;

/// <summary>
/// What an <see cref="IdentityRun"/> decided while opening its source, told as it happens, so that the caller can say
/// so (PowerShell's verbose stream). Nothing here is an error. Calls come one at a time but not always on the caller's
/// thread (after an awaited handshake they come from the thread pool): a caller that may write only from one thread
/// queues them.
/// </summary>
public interface IIdentityRunLog
{
    /// <summary>The engine answered its handshake.</summary>
    void EngineOpened(EngineInfo info);

    /// <summary>The platform registry lookups resolve names for.</summary>
    void PlatformChosen(PlatformChoice choice);

    /// <summary>A credential the caller gave is scoped to the one registry the names are in.</summary>
    void CredentialScoped(string registry, string? userName);

    /// <summary>A registry client was opened with these credentials (null: none) and these plain-HTTP registries.</summary>
    void RegistryOpened(IRegistryCredentialProvider? credentials, RegistryOptions options);
}

using System;
using System.Threading;
using System.Threading.Tasks;

namespace ImgTrack.Registry;

/// <summary>Finds the credential for a registry. Implementations must be safe to call concurrently.</summary>
public interface IRegistryCredentialProvider
{
    /// <summary>The credential for <paramref name="registry"/>, or null for anonymous access.</summary>
    /// <param name="registry">The registry as in names: <c>docker.io</c> for Docker Hub, else <c>host[:port]</c>.</param>
    /// <param name="warn">Receives a warning (a configured credential helper that is missing, say); never a secret.</param>
    /// <param name="cancellationToken">Cancels a credential helper call.</param>
    Task<RegistryCredential?> GetCredentialAsync(string registry, Action<string> warn, CancellationToken cancellationToken);
}

using System;
using System.Threading;
using System.Threading.Tasks;

namespace ImgTrack.Registry;

/// <summary>One credential for one registry (the cmdlet's <c>-Credential</c>); every other registry is anonymous.</summary>
public sealed class SingleRegistryCredentialProvider : IRegistryCredentialProvider
{
    private readonly string _registry;
    private readonly RegistryCredential _credential;

    /// <summary>Creates the provider.</summary>
    /// <param name="registry">The registry as in names (<c>docker.io</c>, <c>registry.example.com:5000</c>).</param>
    /// <param name="credential">Its credential.</param>
    public SingleRegistryCredentialProvider(string registry, RegistryCredential credential)
    {
        _registry = RegistryEndpoint.CredentialKey(registry ?? throw new ArgumentNullException(nameof(registry)));
        _credential = credential ?? throw new ArgumentNullException(nameof(credential));
    }

    /// <inheritdoc/>
    public Task<RegistryCredential?> GetCredentialAsync(string registry, Action<string> warn, CancellationToken cancellationToken) =>
        Task.FromResult(string.Equals(RegistryEndpoint.CredentialKey(registry), _registry, StringComparison.OrdinalIgnoreCase) ? _credential : null);
}

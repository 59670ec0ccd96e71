using System;
using System.Threading;
using System.Threading.Tasks;

namespace ImgTrack.Registry;

/// <summary>
/// A credential for one registry: a user name and password, or an identity token (a refresh token from
/// <c>docker login</c> to a registry that issues them). <see cref="ToString"/> never shows the secret.
/// </summary>
public sealed class RegistryCredential
{
    private RegistryCredential(string? userName, string? password, string? identityToken)
    {
        UserName = userName;
        Password = password;
        IdentityToken = identityToken;
    }

    /// <summary>The user name, or null for an identity token alone.</summary>
    public string? UserName { get; }

    /// <summary>The password, or null.</summary>
    public string? Password { get; }

    /// <summary>The identity (refresh) token, or null.</summary>
    public string? IdentityToken { get; }

    /// <summary>A user name and password (Basic auth, or the token service's Basic auth).</summary>
    public static RegistryCredential FromPassword(string userName, string password) =>
        new(userName ?? throw new ArgumentNullException(nameof(userName)), password ?? throw new ArgumentNullException(nameof(password)), null);

    /// <summary>An identity token, exchanged at the token service for access tokens (OAuth2 <c>refresh_token</c> grant).</summary>
    public static RegistryCredential FromIdentityToken(string identityToken, string? userName = null) =>
        new(userName, null, identityToken ?? throw new ArgumentNullException(nameof(identityToken)));

    /// <summary>The user name only: the secret stays out of logs and error records.</summary>
    public override string ToString() => UserName ?? "<identity token>";
}

/// <summary>Finds the credential for a registry. Implementations must be safe to call concurrently.</summary>
public interface IRegistryCredentialProvider
{
    /// <summary>The credential for <paramref name="registry"/>, or null for anonymous access.</summary>
    /// <param name="registry">The registry as in names: <c>docker.io</c> for Docker Hub, else <c>host[:port]</c>.</param>
    /// <param name="warn">Receives a warning (a configured credential helper that is missing, say); never a secret.</param>
    /// <param name="cancellationToken">Cancels a credential helper call.</param>
    Task<RegistryCredential?> GetCredentialAsync(string registry, Action<string> warn, CancellationToken cancellationToken);
}

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

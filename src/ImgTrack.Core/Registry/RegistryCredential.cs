using System;

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

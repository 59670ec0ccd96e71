using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using System.Web;

namespace ImgTrack.Tests;

/// <summary>
/// A token service for docker-registry's <c>auth: token</c> (distribution's token spec): GET <c>/token?service&amp;scope</c>
/// with Basic credentials, or the OAuth2 POST with <c>grant_type=refresh_token</c>, answers a JWT signed RS256 by a key
/// whose self-signed certificate (in the <c>x5c</c> header) is the registry's <c>rootcertbundle</c>. Known users get the
/// actions they ask for; anonymous callers get a token granting nothing, so the registry refuses them.
/// </summary>
public sealed class TokenService : IDisposable
{
    /// <summary>The <c>service</c> the registry is configured with.</summary>
    public const string ServiceName = "imgtrack-test-registry";

    /// <summary>The issuer the registry trusts.</summary>
    public const string Issuer = "imgtrack-test-token-issuer";

    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;
    private readonly MiniHttpServer _server;
    private readonly Dictionary<string, string> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _refreshTokens = new(StringComparer.Ordinal);

    /// <summary>Starts the service on a free loopback port.</summary>
    public TokenService()
    {
        var request = new CertificateRequest("CN=" + Issuer, _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        _server = new MiniHttpServer(HandleAsync);
    }

    /// <summary>The realm the registry names: <c>http://127.0.0.1:PORT/token</c> (loopback, so plain HTTP is allowed).</summary>
    public string Realm => "http://" + _server.Address + "/token";

    /// <summary>Token requests seen, in order.</summary>
    public IReadOnlyList<MiniRequest> Requests => _server.Requests.ToList();

    /// <summary>Lets a user in with a password.</summary>
    public void AddUser(string user, string password) => _users[user] = password;

    /// <summary>Lets a user in with an identity (refresh) token.</summary>
    public void AddRefreshToken(string token, string user) => _refreshTokens[token] = user;

    /// <summary>Writes the signing certificate as PEM (the registry's rootcertbundle).</summary>
    public void WriteCertificate(string path) => File.WriteAllText(path, _certificate.ExportCertificatePem() + "\n");

    /// <summary>Stops it.</summary>
    public void Dispose()
    {
        _server.Dispose();
        _certificate.Dispose();
        _key.Dispose();
    }

    private Task<MiniResponse?> HandleAsync(MiniRequest request)
    {
        if (request.Path != "/token")
        {
            return Task.FromResult<MiniResponse?>(new MiniResponse(404));
        }

        string? user = null;
        var parameters = HttpUtility.ParseQueryString(request.Target.Contains('?', StringComparison.Ordinal) ? request.Target[(request.Target.IndexOf('?', StringComparison.Ordinal) + 1)..] : string.Empty);
        if (request.Method == "POST")
        {
            parameters = HttpUtility.ParseQueryString(Encoding.UTF8.GetString(request.Body));
            if (parameters["grant_type"] != "refresh_token" || !_refreshTokens.TryGetValue(parameters["refresh_token"] ?? string.Empty, out user))
            {
                return Task.FromResult<MiniResponse?>(MiniResponse.Json(401, "{\"error\":\"invalid_grant\"}"));
            }
        }
        else if (request.Headers.TryGetValue("Authorization", out var authorization))
        {
            if (!authorization.StartsWith("Basic ", StringComparison.Ordinal))
            {
                return Task.FromResult<MiniResponse?>(MiniResponse.Json(401, "{\"details\":\"Basic credentials expected\"}"));
            }

            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..])).Split(':', 2);
            if (pair.Length != 2 || !_users.TryGetValue(pair[0], out var password) || password != pair[1])
            {
                return Task.FromResult<MiniResponse?>(MiniResponse.Json(401, "{\"details\":\"incorrect username or password\"}"));
            }

            user = pair[0];
        }

        var access = new List<object>();
        foreach (var scope in parameters.GetValues("scope") ?? Array.Empty<string>())
        {
            // repository:team/app:pull,push
            var parts = scope.Split(':');
            if (parts.Length == 3 && user is not null)
            {
                access.Add(new { type = parts[0], name = parts[1], actions = parts[2].Split(',') });
            }
        }

        var token = Sign(user ?? string.Empty, parameters["service"] ?? string.Empty, access);
        var json = JsonSerializer.Serialize(new { token, access_token = token, expires_in = 300, issued_at = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) });
        return Task.FromResult<MiniResponse?>(MiniResponse.Json(200, json));
    }

    private string Sign(string subject, string audience, List<object> access)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = JsonSerializer.Serialize(new { typ = "JWT", alg = "RS256", x5c = new[] { Convert.ToBase64String(_certificate.RawData) } });
        var claims = JsonSerializer.Serialize(new
        {
            iss = Issuer,
            sub = subject,
            aud = audience,
            exp = now + 300,
            nbf = now - 10,
            iat = now,
            jti = Guid.NewGuid().ToString("N"),
            access,
        });
        var signed = Base64Url(Encoding.UTF8.GetBytes(header)) + "." + Base64Url(Encoding.UTF8.GetBytes(claims));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signed + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ImgTrack.Registry;

/// <summary>
/// Server certificate validation for registries: the OS store as always, plus Docker's per-registry CAs in
/// <c>certs.d/&lt;host[:port]&gt;/*.crt</c>. A certificate is never accepted with a name mismatch, and never without a
/// chain to a trusted root.
/// </summary>
internal sealed class CertificateTrust
{
    private const string PemBegin = "-----BEGIN CERTIFICATE-----";
    private const string PemEnd = "-----END CERTIFICATE-----";

    private readonly string _directory;
    private readonly ConcurrentDictionary<string, X509Certificate2[]> _authorities = new(StringComparer.OrdinalIgnoreCase);

    public CertificateTrust(string directory) => _directory = directory;

    /// <summary>The last rejection's reason per authority, for the error message (never a secret).</summary>
    public ConcurrentDictionary<string, string> Rejections { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The handler callback (works with HttpClientHandler on .NET Core and .NET Framework 4.7.2+).</summary>
    public bool Validate(HttpRequestMessage request, X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        var uri = request.RequestUri!;
        var authority = uri.IsDefaultPort ? uri.Host : uri.Host + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            Rejections[authority] = errors.ToString();
            return false;
        }

        var authorities = AuthoritiesFor(authority);
        if (authorities.Length == 0)
        {
            Rejections[authority] = Describe(chain);
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
        custom.ChainPolicy.ExtraStore.AddRange(authorities);
        if (chain is not null)
        {
            // Intermediates the server sent.
            for (var i = 1; i < chain.ChainElements.Count; i++)
            {
                custom.ChainPolicy.ExtraStore.Add(chain.ChainElements[i].Certificate);
            }
        }

        if (!custom.Build(certificate))
        {
            Rejections[authority] = Describe(custom);
            return false;
        }

        // AllowUnknownCertificateAuthority accepts any self-signed root: the root must be one of this registry's CAs.
        var root = custom.ChainElements[custom.ChainElements.Count - 1].Certificate;
        foreach (var trusted in authorities)
        {
            if (string.Equals(trusted.Thumbprint, root.Thumbprint, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        Rejections[authority] = Describe(chain);
        return false;
    }

    private X509Certificate2[] AuthoritiesFor(string authority) => _authorities.GetOrAdd(authority, Load);

    private X509Certificate2[] Load(string authority)
    {
        // Windows file names cannot hold ':', so Docker for Windows names the folder host+port: certs.d\myhost5000.
        var folder = Path.Combine(_directory, Path.DirectorySeparatorChar == '\\' ? authority.Replace(":", string.Empty) : authority);
        var certificates = new List<X509Certificate2>();
        if (!Directory.Exists(folder))
        {
            return certificates.ToArray();
        }

        // Docker reads every *.crt in the folder as a CA (client pairs are *.cert/*.key, which we do not use).
        foreach (var file in Directory.GetFiles(folder, "*.crt"))
        {
            try
            {
                certificates.AddRange(ReadPem(File.ReadAllText(file)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or System.Security.Cryptography.CryptographicException)
            {
                Rejections[authority] = file + ": " + e.Message;
            }
        }

        return certificates.ToArray();
    }

    private static IEnumerable<X509Certificate2> ReadPem(string text)
    {
        var at = 0;
        while ((at = text.IndexOf(PemBegin, at, StringComparison.Ordinal)) >= 0)
        {
            var end = text.IndexOf(PemEnd, at, StringComparison.Ordinal);
            if (end < 0)
            {
                yield break;
            }

            var body = text.Substring(at + PemBegin.Length, end - at - PemBegin.Length);
            yield return new X509Certificate2(Convert.FromBase64String(body.Replace("\r", string.Empty).Replace("\n", string.Empty).Trim()));
            at = end + PemEnd.Length;
        }
    }

    private static string Describe(X509Chain? chain)
    {
        if (chain is null)
        {
            return "no certificate chain";
        }

        var reasons = new StringBuilder();
        foreach (var status in chain.ChainStatus)
        {
            if (reasons.Length > 0)
            {
                reasons.Append("; ");
            }

            reasons.Append(status.StatusInformation.Trim());
        }

        return reasons.Length == 0 ? "untrusted certificate" : reasons.ToString();
    }
}

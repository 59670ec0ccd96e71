using System;
using System.Collections.Concurrent;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ImgTrack.Registry;

/// <summary>
/// Server certificate validation for registries: the OS store as always, plus Docker's per-registry CAs in
/// <c>certs.d/&lt;host[:port]&gt;/*.crt</c> (<see cref="RegistryCertificates"/>, read once per registry and run, and also
/// the source of client certificates). A certificate is never accepted with a name mismatch, and never without a chain to
/// a trusted root.
/// </summary>
internal sealed class CertificateTrust
{
    private readonly string _directory;
    private readonly ConcurrentDictionary<string, RegistryCertificates> _folders = new(StringComparer.OrdinalIgnoreCase);

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

        var authorities = CertificatesFor(authority).Authorities;
        if (authorities.Count == 0)
        {
            Rejections[authority] = Describe(chain);
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
        foreach (var trusted in authorities)
        {
            custom.ChainPolicy.ExtraStore.Add(trusted);
        }

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

    /// <summary>The registry's certs.d folder, read once per run.</summary>
    public RegistryCertificates CertificatesFor(string authority) =>
        _folders.GetOrAdd(authority, key => RegistryCertificates.Load(_directory, key));

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

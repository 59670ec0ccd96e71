using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ImgTrack.Certificates;

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
            Rejections[authority] = ChainTrust.Describe(chain);
            return false;
        }

        // Intermediates the server sent.
        var intermediates = new List<X509Certificate2>();
        for (var i = 1; chain is not null && i < chain.ChainElements.Count; i++)
        {
            intermediates.Add(chain.ChainElements[i].Certificate);
        }

        if (ChainTrust.IsTrusted(certificate, authorities, intermediates, out var problem))
        {
            return true;
        }

        Rejections[authority] = problem ?? ChainTrust.Describe(chain);
        return false;
    }

    /// <summary>The registry's certs.d folder, read once per run.</summary>
    public RegistryCertificates CertificatesFor(string authority) =>
        _folders.GetOrAdd(authority, key => RegistryCertificates.Load(_directory, key));
}

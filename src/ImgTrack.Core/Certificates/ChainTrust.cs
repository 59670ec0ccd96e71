using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ImgTrack.Certificates;

/// <summary>
/// Trust in a private CA, for the engine's <c>ca.pem</c> and a registry's <c>certs.d</c> CAs alike: the server's chain,
/// built with the given CAs and intermediates and without revocation checks, must end in one of those CAs, the same
/// bytes. netstandard2.0 has no custom root store, so the chain is built allowing an unknown root and the root is then
/// required to be one of ours: an untrusted self-signed root is never enough.
/// </summary>
internal static class ChainTrust
{
    /// <summary>True when <paramref name="server"/> chains to one of <paramref name="authorities"/>; otherwise
    /// <paramref name="problem"/> says why when the chain itself failed (null when it ended in a root not ours).</summary>
    public static bool IsTrusted(
        X509Certificate2 server, IReadOnlyCollection<X509Certificate2> authorities, IEnumerable<X509Certificate2>? intermediates, out string? problem)
    {
        problem = null;
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
        foreach (var trusted in authorities)
        {
            chain.ChainPolicy.ExtraStore.Add(trusted);
        }

        foreach (var intermediate in intermediates ?? Enumerable.Empty<X509Certificate2>())
        {
            chain.ChainPolicy.ExtraStore.Add(intermediate);
        }

        if (!chain.Build(server))
        {
            problem = Describe(chain);
            return false;
        }

        var elements = chain.ChainElements;
        var root = elements.Count > 0 ? elements[elements.Count - 1].Certificate : null;
        return root is not null && authorities.Any(trusted => trusted.RawData.SequenceEqual(root.RawData));
    }

    /// <summary>A chain's status in words; "untrusted certificate" when it gives none.</summary>
    public static string Describe(X509Chain? chain)
    {
        if (chain is null)
        {
            return CertificateMessages.ChainNone;
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

        return reasons.Length == 0 ? CertificateMessages.ChainUntrusted : reasons.ToString();
    }
}

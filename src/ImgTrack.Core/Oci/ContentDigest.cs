using System;
using System.Security.Cryptography;
using System.Text;
using ImgTrack.References;

namespace ImgTrack.Oci;

/// <summary>OCI content digests (<c>algorithm:hex</c>): what a registry's bytes must hash to.</summary>
internal static class ContentDigest
{
    /// <summary>True when <paramref name="digest"/> is a well-formed digest by the reference grammar's one rule
    /// (<see cref="DigestGrammar"/>: sha256, sha384 or sha512, lower-case hex of the algorithm's exact length).</summary>
    public static bool IsValid(string? digest) => digest is not null && DigestGrammar.Validate(digest, 0, out _);

    /// <summary>The sha256 digest of <paramref name="content"/>.</summary>
    public static string Sha256(byte[] content)
    {
        using var sha = SHA256.Create();
        return "sha256:" + Hex(sha.ComputeHash(content));
    }

    /// <summary>True when <paramref name="content"/> hashes to <paramref name="digest"/> (false for malformed digests).</summary>
    public static bool Matches(string digest, byte[] content)
    {
        if (!IsValid(digest))
        {
            return false;
        }

        var colon = digest.IndexOf(':');
        using HashAlgorithm hash = digest.Substring(0, colon) switch
        {
            "sha512" => SHA512.Create(),
            "sha384" => SHA384.Create(),
            _ => SHA256.Create(),
        };
        return string.Equals(Hex(hash.ComputeHash(content)), digest.Substring(colon + 1), StringComparison.Ordinal);
    }

    private static string Hex(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            text.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}

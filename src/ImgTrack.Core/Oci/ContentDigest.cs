using System;
using System.Security.Cryptography;
using System.Text;

namespace ImgTrack.Oci;

/// <summary>OCI content digests (<c>algorithm:hex</c>): what a registry's bytes must hash to.</summary>
internal static class ContentDigest
{
    /// <summary>True when <paramref name="digest"/> is a well-formed sha256 or sha512 digest (lower-case hex, full length).</summary>
    public static bool IsValid(string? digest) => Split(digest, out _, out _);

    /// <summary>The sha256 digest of <paramref name="content"/>.</summary>
    public static string Sha256(byte[] content)
    {
        using var sha = SHA256.Create();
        return "sha256:" + Hex(sha.ComputeHash(content));
    }

    /// <summary>True when <paramref name="content"/> hashes to <paramref name="digest"/> (false for malformed or unknown algorithms).</summary>
    public static bool Matches(string digest, byte[] content)
    {
        if (!Split(digest, out var algorithm, out var hex))
        {
            return false;
        }

        using HashAlgorithm hash = algorithm == "sha512" ? SHA512.Create() : SHA256.Create();
        return string.Equals(Hex(hash.ComputeHash(content)), hex, StringComparison.Ordinal);
    }

    private static bool Split(string? digest, out string algorithm, out string hex)
    {
        algorithm = hex = string.Empty;
        if (digest is null)
        {
            return false;
        }

        var colon = digest.IndexOf(':');
        if (colon <= 0)
        {
            return false;
        }

        algorithm = digest.Substring(0, colon);
        hex = digest.Substring(colon + 1);
        var length = algorithm switch
        {
            "sha256" => 64,
            "sha512" => 128,
            _ => -1,
        };

        if (hex.Length != length)
        {
            return false;
        }

        foreach (var c in hex)
        {
            if (!(c is >= '0' and <= '9' or >= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
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

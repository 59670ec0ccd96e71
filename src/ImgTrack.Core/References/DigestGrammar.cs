using static ImgTrack.References.QuotedText;
using static ImgTrack.Text.MessageText;

namespace ImgTrack.References;

/// <summary>
/// The digest production of the reference grammar (see ImageReferenceParser.cs), <c>digest-algorithm ":" digest-hex</c>,
/// then what opencontainers/go-digest's <c>Validate</c> adds: a known algorithm with its exact length, in lowercase.
/// </summary>
internal static class DigestGrammar
{
    /// <summary>digest-hex's floor: at least 128 bits.</summary>
    private const int MinHexLength = 32;

    /// <summary>Checks <c>s[start..)</c> as a digest: sha256, sha384 or sha512 with exactly 64, 96 or 128 lowercase hex characters.</summary>
    internal static bool Validate(string s, int start, out string? error)
    {
        error = null;
        if (start == s.Length)
        {
            error = ReferenceMessages.DigestEmpty;
            return false;
        }

        var colon = s.IndexOf(':', start);
        if (colon < 0)
        {
            error = Format(ReferenceMessages.DigestFormat, Quote(s, start, s.Length));
            return false;
        }

        if (!IsAlgorithm(s, start, colon))
        {
            error = Format(ReferenceMessages.DigestAlgorithmFormat, Quote(s, start, colon));
            return false;
        }

        error = HexError(s, start, colon);
        return error is null;
    }

    /// <summary>
    /// digest-algorithm := component [separator component]* on <c>s[start..end)</c>, with component :=
    /// <c>[A-Za-z][A-Za-z0-9]*</c> and separator := <c>[+._-]</c>.
    /// </summary>
    private static bool IsAlgorithm(string s, int start, int end)
    {
        var i = start;
        while (true)
        {
            if (i == end || !CharClass.IsLetter(s[i]))
            {
                return false;
            }

            i++;
            while (i < end && CharClass.IsLetterOrDigit(s[i]))
            {
                i++;
            }

            if (i == end)
            {
                return true;
            }

            var c = s[i];
            if (c != '-' && c != '_' && c != '+' && c != '.')
            {
                return false;
            }

            i++;
        }
    }

    // digest-hex := [0-9a-fA-F]{32,} after the colon, then go-digest: the algorithm's exact length, lowercase only.
    // The order decides which rule a bad digest is reported for; null when the digest is valid.
    private static string? HexError(string s, int start, int colon)
    {
        var hasUppercase = false;
        for (var i = colon + 1; i < s.Length; i++)
        {
            if (CharClass.IsUpperHexLetter(s[i]))
            {
                hasUppercase = true;
            }
            else if (!CharClass.IsLowerHex(s[i]))
            {
                return Format(ReferenceMessages.DigestHexCharacter, Quote(s, start, s.Length), Describe(s[i]));
            }
        }

        var hexLength = s.Length - colon - 1;
        var expected = ExpectedHexLength(s, start, colon);
        return hexLength < MinHexLength && expected == 0 ? Format(ReferenceMessages.DigestTooShort, Quote(s, start, s.Length))
            : expected == 0 ? Format(ReferenceMessages.DigestUnsupported, Quote(s, start, colon))
            : hexLength != expected ? Format(ReferenceMessages.DigestLength, Quote(s, start, s.Length), expected)
            : hasUppercase ? Format(ReferenceMessages.DigestUppercase, Quote(s, start, s.Length))
            : null;
    }

    // go-digest's registered algorithms and their hex lengths; 0 for any other algorithm.
    private static int ExpectedHexLength(string s, int start, int end)
    {
        if (end - start != 6 || string.CompareOrdinal(s, start, "sha", 0, 3) != 0)
        {
            return 0;
        }

        return string.CompareOrdinal(s, start + 3, "256", 0, 3) == 0 ? 64
            : string.CompareOrdinal(s, start + 3, "384", 0, 3) == 0 ? 96
            : string.CompareOrdinal(s, start + 3, "512", 0, 3) == 0 ? 128
            : 0;
    }
}

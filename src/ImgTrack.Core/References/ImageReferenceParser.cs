using System;
using System.Globalization;

namespace ImgTrack.References;

/// <summary>
/// Docker's <c>ParseNormalizedNamed</c> (github.com/distribution/reference v0.6.0, normalize.go and regexp.go; digests
/// validated as opencontainers/go-digest does) as one left-to-right scan: no regular expressions, no backtracking,
/// linear in the length of the name. The result records where each part lies (<see cref="NameLayout"/>); the parts
/// become strings, one allocation each, when first read — so a 1 MB host name costs one scan, not megabytes of copies.
/// </summary>
/// <remarks>
/// <para>Shape of the work, as in the Go source:</para>
/// <list type="number">
/// <item>A name that is exactly 64 lowercase hex characters is an image ID, not a name.</item>
/// <item>splitDockerDomain: the text before the first '/' is a registry host when it is <c>localhost</c>, contains
/// '.' or ':', or has an uppercase letter; otherwise the whole name is a Docker Hub path. <c>index.docker.io</c> is
/// <c>docker.io</c>, and a Docker Hub path of one component gets <c>library/</c>.</item>
/// <item>Parse(domain + "/" + remainder): host[:port], then path components joined by '/', then an optional
/// <c>:tag</c>, then an optional <c>@digest</c>; the path (with any <c>library/</c>) is at most 255 characters.</item>
/// </list>
/// <para>Deliberate difference: when the first component is read as a host and contains '_' Go's regular expression
/// falls back to reading the whole name as a path with no registry (<c>my_registry.io/app</c> becomes
/// <c>docker.io/my_registry.io/app</c>); we reject it instead, as the design asks.</para>
/// </remarks>
internal static class ImageReferenceParser
{
    internal const string DockerHub = "docker.io";
    internal const int MaxPathLength = 255;
    internal const int MaxTagLength = 128;

    private const string LegacyDockerHub = "index.docker.io";
    private const string Localhost = "localhost";
    internal const string OfficialPrefix = "library/";
    internal const string DefaultTag = "latest";
    internal const string ColonDefaultTag = ":latest";

    // Values quoted in messages are cut here, so an error record for a 1 MB name stays readable.
    private const int MaxQuotedLength = 256;

    // Short joined strings are assembled here, so each costs one allocation on every target framework.
    private const int BufferLength = 1024;

    private static readonly char[] s_pathEnds = { ':', '@' };

    [ThreadStatic]
    private static char[]? s_buffer;

    /// <summary>Parses <paramref name="s"/>; null with <paramref name="error"/> naming the rule when it is not valid.</summary>
    internal static ImageReference? Parse(string s, out string? error)
    {
        error = null;
        var n = s.Length;
        if (n == 0)
        {
            return Fail(out error, ReferenceMessages.NameEmpty);
        }

        // anchoredIdentifierRegexp: ^[a-f0-9]{64}$
        if (n == 64 && IsLowerHex(s, 0, 64))
        {
            return Fail(out error, Format(ReferenceMessages.NameIsImageId, Quote(s, 0, n)));
        }

        // splitDockerDomain
        var slash = s.IndexOf('/');
        var registryEnd = 0;
        var hostEnd = 0;
        int? port = null;
        bool dockerHub;
        bool officialPrefix;
        bool fullNameAsWritten;
        int pathStart;
        if (slash > 0 && IsRegistryHost(s, slash))
        {
            if (!ScanRegistry(s, slash, out hostEnd, out port, out error))
            {
                return null;
            }

            pathStart = slash + 1;
            if (IsExactly(s, slash, LegacyDockerHub))
            {
                dockerHub = true;
                fullNameAsWritten = false;
            }
            else if (IsExactly(s, slash, DockerHub))
            {
                dockerHub = true;
                fullNameAsWritten = true;
            }
            else
            {
                dockerHub = false;
                fullNameAsWritten = true;
                registryEnd = slash;
            }

            officialPrefix = dockerHub && s.IndexOf('/', pathStart) < 0;
            fullNameAsWritten &= !officialPrefix;
        }
        else
        {
            pathStart = 0;
            dockerHub = true;
            officialPrefix = slash < 0;
            fullNameAsWritten = false;
        }

        // Parse: path [":" tag] ["@" digest]
        if (!ScanPath(s, pathStart, out var pathEnd, out error))
        {
            return null;
        }

        var pathLength = pathEnd - pathStart + (officialPrefix ? OfficialPrefix.Length : 0);
        if (pathLength > MaxPathLength)
        {
            return Fail(out error, Format(ReferenceMessages.PathTooLong, pathLength));
        }

        var i = pathEnd;
        var tagStart = -1;
        var tagEnd = -1;
        if (i < n && s[i] == ':')
        {
            tagStart = i + 1;
            if (!ScanTag(s, tagStart, out tagEnd, out error))
            {
                return null;
            }

            i = tagEnd;
        }

        var digestStart = -1;
        if (i < n)
        {
            // ScanPath and ScanTag stop only at the end, ':' (path) or '@'.
            digestStart = i + 1;
            if (!ValidateDigest(s, digestStart, out error))
            {
                return null;
            }
        }

        var layout = new NameLayout(registryEnd, hostEnd, port, pathStart, pathEnd, tagStart, tagEnd, digestStart, dockerHub, officialPrefix, fullNameAsWritten);
        return new ImageReference(s, layout);
    }

    /// <summary>
    /// Checks <c>s[start..]</c> as a digest: the grammar's <c>algorithm ":" hex{32,}</c>, then go-digest's
    /// <c>Validate</c> (sha256, sha384 or sha512 with exactly 64, 96 or 128 lowercase hex characters).
    /// </summary>
    internal static bool ValidateDigest(string s, int start, out string? error)
    {
        error = null;
        var n = s.Length;
        if (start == n)
        {
            error = ReferenceMessages.DigestEmpty;
            return false;
        }

        var colon = s.IndexOf(':', start);
        if (colon < 0)
        {
            error = Format(ReferenceMessages.DigestFormat, Quote(s, start, n));
            return false;
        }

        if (!IsDigestAlgorithm(s, start, colon))
        {
            error = Format(ReferenceMessages.DigestAlgorithmFormat, Quote(s, start, colon));
            return false;
        }

        var hasUppercase = false;
        for (var i = colon + 1; i < n; i++)
        {
            var c = s[i];
            if ((uint)(c - 'A') <= 'F' - 'A')
            {
                hasUppercase = true;
            }
            else if (!IsLowerHex(c))
            {
                error = Format(ReferenceMessages.DigestHexCharacter, Quote(s, start, n), Describe(c));
                return false;
            }
        }

        var hexLength = n - colon - 1;
        var expected = ExpectedHexLength(s, start, colon);
        if (hexLength < 32)
        {
            error = expected > 0
                ? Format(ReferenceMessages.DigestLength, Quote(s, start, n), expected)
                : Format(ReferenceMessages.DigestTooShort, Quote(s, start, n));
            return false;
        }

        if (expected == 0)
        {
            error = Format(ReferenceMessages.DigestUnsupported, Quote(s, start, colon));
            return false;
        }

        if (hexLength != expected)
        {
            error = Format(ReferenceMessages.DigestLength, Quote(s, start, n), expected);
            return false;
        }

        if (hasUppercase)
        {
            error = Format(ReferenceMessages.DigestUppercase, Quote(s, start, n));
            return false;
        }

        return true;
    }

    /// <summary>True when <paramref name="s"/> is exactly 64 lowercase hex characters (what Docker reads as an image ID).</summary>
    internal static bool IsImageIdHex(string s) => s.Length == 64 && IsLowerHex(s, 0, 64);

    /// <summary>splitDockerDomain's test on the text before the first '/'.</summary>
    private static bool IsRegistryHost(string s, int end)
    {
        if (end == Localhost.Length && string.CompareOrdinal(s, 0, Localhost, 0, Localhost.Length) == 0)
        {
            return true;
        }

        for (var i = 0; i < end; i++)
        {
            var c = s[i];
            if (c == '.' || c == ':' || (uint)(c - 'A') <= 'Z' - 'A')
            {
                return true;
            }

            // Go compares strings.ToLower(first) with first: any character with a lowercase form makes it a host.
            if (c > '\x7f' && char.ToLowerInvariant(c) != c)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>domainAndPort on <c>s[0..end)</c>: a DNS-style host or a bracketed IPv6 literal, then an optional :digits.</summary>
    private static bool ScanRegistry(string s, int end, out int hostEnd, out int? port, out string? error)
    {
        port = null;
        error = null;
        if (s[0] == '[')
        {
            // ipv6address: \[[a-fA-F0-9:]+\]
            var i = 1;
            while (i < end && (IsHex(s[i]) || s[i] == ':'))
            {
                i++;
            }

            if (i == end)
            {
                hostEnd = end;
                error = Format(ReferenceMessages.Ipv6Unclosed, Quote(s, 0, end));
                return false;
            }

            if (s[i] != ']')
            {
                var close = s.IndexOf(']', i, end - i);
                hostEnd = close < 0 ? end : close + 1;
                error = Format(ReferenceMessages.Ipv6InvalidCharacter, Quote(s, 0, hostEnd), Describe(s[i]));
                return false;
            }

            hostEnd = i + 1;
            if (i == 1)
            {
                error = Format(ReferenceMessages.Ipv6Empty, Quote(s, 0, hostEnd));
                return false;
            }
        }
        else
        {
            var colon = s.IndexOf(':', 0, end);
            hostEnd = colon < 0 ? end : colon;
            if (!ScanHostName(s, hostEnd, out error))
            {
                return false;
            }
        }

        if (hostEnd == end)
        {
            return true;
        }

        if (s[hostEnd] != ':')
        {
            error = Format(ReferenceMessages.RegistryTrailing, Quote(s, 0, end), Describe(s[hostEnd]));
            return false;
        }

        // optionalPort: (?::[0-9]+)? — any digits are valid; Port is set only for 1-65535.
        var portStart = hostEnd + 1;
        if (portStart == end)
        {
            error = Format(ReferenceMessages.PortEmpty, Quote(s, 0, end));
            return false;
        }

        var value = 0;
        for (var i = portStart; i < end; i++)
        {
            var digit = (uint)(s[i] - '0');
            if (digit > 9)
            {
                error = Format(ReferenceMessages.PortNotDigits, Quote(s, portStart, end));
                return false;
            }

            if (value <= 65535)
            {
                value = (value * 10) + (int)digit;
            }
        }

        if (value is >= 1 and <= 65535)
        {
            port = value;
        }

        return true;
    }

    /// <summary>domainName on <c>s[0..end)</c>: components <c>[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?</c> joined by '.'.</summary>
    private static bool ScanHostName(string s, int end, out string? error)
    {
        error = null;

        // The one rule we add to Docker's grammar (see the class remarks).
        if (s.IndexOf('_', 0, end) >= 0)
        {
            error = Format(ReferenceMessages.HostUnderscore, Quote(s, 0, end));
            return false;
        }

        var i = 0;
        while (true)
        {
            if (i == end || s[i] == '.')
            {
                error = Format(ReferenceMessages.HostEmptyComponent, Quote(s, 0, end));
                return false;
            }

            var c = s[i];
            if (c == '-')
            {
                error = Format(ReferenceMessages.HostComponentDash, Quote(s, 0, end));
                return false;
            }

            if (!IsAsciiLetterOrDigit(c))
            {
                error = Format(ReferenceMessages.HostInvalidCharacter, Quote(s, 0, end), Describe(c));
                return false;
            }

            i++;
            while (i < end && (IsAsciiLetterOrDigit(s[i]) || s[i] == '-'))
            {
                i++;
            }

            if (s[i - 1] == '-')
            {
                error = Format(ReferenceMessages.HostComponentDash, Quote(s, 0, end));
                return false;
            }

            if (i == end)
            {
                return true;
            }

            if (s[i] != '.')
            {
                error = Format(ReferenceMessages.HostInvalidCharacter, Quote(s, 0, end), Describe(s[i]));
                return false;
            }

            i++;
        }
    }

    /// <summary>
    /// remoteName from <paramref name="start"/>: path components <c>[a-z0-9]+(separator[a-z0-9]+)*</c> joined by '/',
    /// where a separator is one '.', one or two '_', or one or more '-'. Stops at the end, ':' or '@'.
    /// </summary>
    private static bool ScanPath(string s, int start, out int end, out string? error)
    {
        error = null;
        end = start;
        var n = s.Length;
        var i = start;
        if (i == n || s[i] == ':' || s[i] == '@')
        {
            error = ReferenceMessages.PathEmpty;
            return false;
        }

        while (true)
        {
            var componentStart = i;
            if (i == n || !IsLowerLetterOrDigit(s[i]))
            {
                error = ComponentStartError(s, start, componentStart);
                return false;
            }

            i++;
            while (i < n)
            {
                var c = s[i];
                if (IsLowerLetterOrDigit(c))
                {
                    i++;
                    continue;
                }

                if (c != '.' && c != '_' && c != '-')
                {
                    break;
                }

                var separatorStart = i;
                if (c == '.')
                {
                    i++;
                }
                else if (c == '_')
                {
                    i++;
                    if (i < n && s[i] == '_')
                    {
                        i++;
                    }
                }
                else
                {
                    do
                    {
                        i++;
                    }
                    while (i < n && s[i] == '-');
                }

                if (i < n && IsLowerLetterOrDigit(s[i]))
                {
                    i++;
                    continue;
                }

                error = SeparatorError(s, start, componentStart, separatorStart, i);
                return false;
            }

            if (i == n || s[i] == ':' || s[i] == '@')
            {
                end = i;
                return true;
            }

            if (s[i] != '/')
            {
                error = CharacterError(s, start, s[i]);
                return false;
            }

            i++;
        }
    }

    /// <summary>tag from <paramref name="start"/>: <c>[\w][\w.-]{0,127}</c> (ASCII \w), ending at the end or '@'.</summary>
    private static bool ScanTag(string s, int start, out int end, out string? error)
    {
        error = null;
        var n = s.Length;
        var i = start;
        end = start;
        if (i == n || s[i] == '@')
        {
            error = ReferenceMessages.TagEmpty;
            return false;
        }

        if (!IsWordCharacter(s[i]))
        {
            var c = s[i];
            error = c == '.' || c == '-'
                ? Format(ReferenceMessages.TagStart, QuoteUntil(s, start, '@'))
                : Format(ReferenceMessages.TagInvalidCharacter, QuoteUntil(s, start, '@'), Describe(c));
            return false;
        }

        i++;
        while (i < n && (IsWordCharacter(s[i]) || s[i] == '.' || s[i] == '-'))
        {
            i++;
        }

        if (i < n && s[i] != '@')
        {
            error = Format(ReferenceMessages.TagInvalidCharacter, QuoteUntil(s, start, '@'), Describe(s[i]));
            return false;
        }

        if (i - start > MaxTagLength)
        {
            error = Format(ReferenceMessages.TagTooLong, i - start);
            return false;
        }

        end = i;
        return true;
    }

    private static string ComponentStartError(string s, int pathStart, int componentStart)
    {
        if (componentStart == s.Length)
        {
            return Format(ReferenceMessages.PathEmptyComponent, PathText(s, pathStart));
        }

        var c = s[componentStart];
        if (c == '/' || c == ':' || c == '@')
        {
            return Format(ReferenceMessages.PathEmptyComponent, PathText(s, pathStart));
        }

        if (c == '.' || c == '_' || c == '-')
        {
            return Format(ReferenceMessages.PathComponentStart, ComponentText(s, componentStart));
        }

        return CharacterError(s, pathStart, c);
    }

    private static string SeparatorError(string s, int pathStart, int componentStart, int separatorStart, int i)
    {
        var n = s.Length;
        if (i < n && (s[i] == '.' || s[i] == '_' || s[i] == '-'))
        {
            var separatorEnd = i;
            while (separatorEnd < n && (s[separatorEnd] == '.' || s[separatorEnd] == '_' || s[separatorEnd] == '-'))
            {
                separatorEnd++;
            }

            return Format(ReferenceMessages.PathSeparator, ComponentText(s, componentStart), Quote(s, separatorStart, separatorEnd));
        }

        if (i == n || s[i] == '/' || s[i] == ':' || s[i] == '@')
        {
            return Format(ReferenceMessages.PathComponentEnd, ComponentText(s, componentStart));
        }

        return CharacterError(s, pathStart, s[i]);
    }

    private static string CharacterError(string s, int pathStart, char c) =>
        char.IsUpper(c)
            ? Format(ReferenceMessages.PathUppercase, PathText(s, pathStart))
            : Format(ReferenceMessages.PathInvalidCharacter, PathText(s, pathStart), Describe(c));

    // The path as Docker's lowercase check sees it: up to the first ':' (or '@').
    private static string PathText(string s, int pathStart)
    {
        var end = s.IndexOfAny(s_pathEnds, pathStart);
        return Quote(s, pathStart, end < 0 ? s.Length : end);
    }

    private static string ComponentText(string s, int componentStart)
    {
        var end = componentStart;
        while (end < s.Length && s[end] != '/' && s[end] != ':' && s[end] != '@')
        {
            end++;
        }

        return Quote(s, componentStart, end);
    }

    private static string QuoteUntil(string s, int start, char stop)
    {
        var end = s.IndexOf(stop, start);
        return Quote(s, start, end < 0 ? s.Length : end);
    }

    private static string Quote(string s, int start, int end) =>
        end - start <= MaxQuotedLength ? Slice(s, start, end) : s.Substring(start, MaxQuotedLength) + "…";

    private static string Describe(char c) =>
        c < ' ' || c == '\x7f' || (char.IsWhiteSpace(c) && c != ' ') || char.IsControl(c) || char.IsSurrogate(c)
            ? "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture)
            : "'" + c + "'";

    private static string Format(string template, object arg0) => string.Format(CultureInfo.CurrentCulture, template, arg0);

    private static string Format(string template, object arg0, object arg1) => string.Format(CultureInfo.CurrentCulture, template, arg0, arg1);

    private static ImageReference? Fail(out string? error, string message)
    {
        error = message;
        return null;
    }

    private static bool IsDigestAlgorithm(string s, int start, int end)
    {
        // [A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*
        var i = start;
        while (true)
        {
            if (i == end || !IsAsciiLetter(s[i]))
            {
                return false;
            }

            i++;
            while (i < end && IsAsciiLetterOrDigit(s[i]))
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

    private static bool IsExactly(string s, int length, string value) =>
        length == value.Length && string.CompareOrdinal(s, 0, value, 0, length) == 0;

    /// <summary><c>s[start..end)</c>, reusing <paramref name="s"/> when that is all of it.</summary>
    internal static string Slice(string s, int start, int end) =>
        start == 0 && end == s.Length ? s : s.Substring(start, end - start);

    /// <summary><paramref name="prefix"/> + <c>s.Substring(start, length)</c> in one allocation.</summary>
    internal static string Concat(string prefix, string s, int start, int length)
    {
        var total = prefix.Length + length;
        if (total > BufferLength)
        {
            return prefix + s.Substring(start, length);
        }

        var buffer = s_buffer ??= new char[BufferLength];
        prefix.CopyTo(0, buffer, 0, prefix.Length);
        s.CopyTo(start, buffer, prefix.Length, length);
        return new string(buffer, 0, total);
    }

    private static bool IsLowerHex(string s, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            if (!IsLowerHex(s[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLowerHex(char c) => (uint)(c - '0') <= 9 || (uint)(c - 'a') <= 'f' - 'a';

    private static bool IsHex(char c) => IsLowerHex(c) || (uint)(c - 'A') <= 'F' - 'A';

    private static bool IsLowerLetterOrDigit(char c) => (uint)(c - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9;

    private static bool IsAsciiLetter(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';

    private static bool IsAsciiLetterOrDigit(char c) => IsAsciiLetter(c) || (uint)(c - '0') <= 9;

    private static bool IsWordCharacter(char c) => IsAsciiLetterOrDigit(c) || c == '_';
}

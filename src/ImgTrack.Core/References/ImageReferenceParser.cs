// The grammar of an image name, as github.com/distribution/reference v0.6.0 writes it (reference.go), and the
// type that scans each production:
//
//   reference         := name [ ":" tag ] [ "@" digest ]                        ImageReferenceParser
//   name              := [domain '/'] remote-name
//   domain            := host [':' port-number]                                 DomainGrammar
//   host              := domain-name | '[' IPv6address ']'
//   domain-name       := domain-component ['.' domain-component]*
//   domain-component  := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//   IPv6address       := /[a-fA-F0-9:]+/                                        (regexp.go's ipv6address)
//   port-number       := /[0-9]+/
//   remote-name       := path-component ['/' path-component]*                   PathGrammar
//   path-component    := alpha-numeric [separator alpha-numeric]*
//   alpha-numeric     := /[a-z0-9]+/
//   separator         := /[_.]|__|[-]+/
//   tag               := /[\w][\w.-]{0,127}/                                    TagGrammar
//   digest            := digest-algorithm ":" digest-hex                        DigestGrammar
//   digest-algorithm  := digest-algorithm-component [ /[+.-_]/ digest-algorithm-component ]*
//   digest-algorithm-component := /[A-Za-z][A-Za-z0-9]*/
//   digest-hex        := /[0-9a-fA-F]{32,}/
//   identifier        := /[a-f0-9]{64}/
//
// ParseNormalizedNamed (normalize.go) wraps the grammar:
//   1. an identifier alone is an image ID, not a name;
//   2. splitDockerDomain: the text before the first '/' is a domain when it is "localhost", contains '.' or ':', or is
//      not all lowercase; otherwise the whole name is a remote-name on docker.io. "index.docker.io" is "docker.io",
//      and on docker.io a remote-name of one component gets "library/";
//   3. the remote-name, "library/" included, is at most 255 characters;
//   4. the digest passes opencontainers/go-digest's Validate (sha256, sha384 or sha512, exact length, lowercase).
//
// One deliberate difference, kept from the original imgtrack script's rule that a registry host name has no
// underscore: when the first component is read as a domain and contains '_', Go's regular expression falls back to
// reading the whole name as a remote-name with no domain (my_registry.io/app becomes docker.io/my_registry.io/app);
// we reject it instead.

using ImgTrack.Text;

namespace ImgTrack.References;

/// <summary>
/// Docker's <c>ParseNormalizedNamed</c> as one left-to-right scan: no regular expressions, no backtracking, linear in
/// the length of the name. Each production of the grammar above has its own scanner; the result records where each
/// part lies (<see cref="NameLayout"/>), and <see cref="ImageReference"/> builds the strings.
/// </summary>
internal static class ImageReferenceParser
{
    internal const string DockerHub = "docker.io";
    internal const string OfficialPrefix = "library/";
    internal const string DefaultTag = "latest";
    internal const string ColonDefaultTag = ":latest";

    /// <summary>Parse's limit on the remote-name.</summary>
    internal const int MaxPathLength = 255;

    internal const string LegacyDockerHub = "index.docker.io";
    private const string Localhost = "localhost";

    /// <summary>Parses <paramref name="s"/>; null with <paramref name="error"/> naming the rule when it is not valid.</summary>
    internal static ImageReference? Parse(string s, out string? error)
    {
        var layout = default(NameLayout);
        var valid = IsName(s, out error)
            && ScanName(s, ref layout, out error)
            && ScanTagAndDigest(s, ref layout, out error);
        return valid ? new ImageReference(s, layout) : null;
    }

    // ParseNormalizedNamed's first check (with Parse's check for the empty name).
    private static bool IsName(string s, out string? error)
    {
        error = s.Length == 0 ? ReferenceMessages.NameEmpty
            : ImageId.IsFullHex(s) ? MessageText.Format(ReferenceMessages.NameIsImageId, QuotedText.Quote(s, 0, s.Length))
            : null;
        return error is null;
    }

    // name := [domain '/'] remote-name, where splitDockerDomain decides whether the name has a domain.
    private static bool ScanName(string s, ref NameLayout layout, out string? error)
    {
        var slash = s.IndexOf('/');
        if (slash > 0 && IsDomain(s, slash))
        {
            if (!DomainGrammar.Scan(s, slash, out layout.HostEnd, out layout.Port, out error))
            {
                return false;
            }

            NormalizeDomain(s, slash, ref layout);
        }
        else
        {
            layout.DockerHub = true;
            layout.OfficialPrefix = slash < 0;
        }

        return ScanRemoteName(s, ref layout, out error);
    }

    // splitDockerDomain's test on the text before the first '/'.
    private static bool IsDomain(string s, int end)
    {
        if (IsExactly(s, end, Localhost))
        {
            return true;
        }

        for (var i = 0; i < end; i++)
        {
            // Go compares strings.ToLower(first) with first: any character with a lowercase form makes it a domain.
            var c = s[i];
            if (c == '.' || c == ':' || CharClass.IsUpper(c) || (c > '\x7f' && char.ToLowerInvariant(c) != c))
            {
                return true;
            }
        }

        return false;
    }

    // The rest of splitDockerDomain: index.docker.io is docker.io, and a one-component path there gets library/.
    private static void NormalizeDomain(string s, int slash, ref NameLayout layout)
    {
        var legacy = IsExactly(s, slash, LegacyDockerHub);
        layout.PathStart = slash + 1;
        layout.DockerHub = legacy || IsExactly(s, slash, DockerHub);
        layout.RegistryEnd = layout.DockerHub ? 0 : slash;
        layout.OfficialPrefix = layout.DockerHub && s.IndexOf('/', layout.PathStart) < 0;
        layout.FullNameAsWritten = !legacy && !layout.OfficialPrefix;
    }

    // remote-name, then Parse's length check, which counts the library/ that splitDockerDomain adds.
    private static bool ScanRemoteName(string s, ref NameLayout layout, out string? error)
    {
        if (!PathGrammar.Scan(s, layout.PathStart, out layout.PathEnd, out error))
        {
            return false;
        }

        var length = layout.PathEnd - layout.PathStart + (layout.OfficialPrefix ? OfficialPrefix.Length : 0);
        if (length > MaxPathLength)
        {
            error = MessageText.Format(ReferenceMessages.PathTooLong, length);
            return false;
        }

        return true;
    }

    // [ ":" tag ] [ "@" digest ] after the path.
    private static bool ScanTagAndDigest(string s, ref NameLayout layout, out string? error)
    {
        error = null;
        layout.TagStart = layout.TagEnd = layout.DigestStart = -1;
        var i = layout.PathEnd;
        if (i < s.Length && s[i] == ':')
        {
            layout.TagStart = i + 1;
            if (!TagGrammar.Scan(s, layout.TagStart, out layout.TagEnd, out error))
            {
                return false;
            }

            i = layout.TagEnd;
        }

        if (i == s.Length)
        {
            return true;
        }

        // The path stops only at the end, ':' or '@', and a tag only at the end or '@': this is '@'.
        layout.DigestStart = i + 1;
        return DigestGrammar.Validate(s, layout.DigestStart, out error);
    }

    private static bool IsExactly(string s, int length, string value) =>
        length == value.Length && string.CompareOrdinal(s, 0, value, 0, length) == 0;
}

namespace ImgTrack.References;

/// <summary>
/// The character classes of the reference grammar. All are ASCII: Go's regular expressions match bytes, so
/// <c>[a-z]</c> or <c>\w</c> never take a non-ASCII letter. (netstandard2.0 has no <c>char.IsAsciiLetter</c>.)
/// </summary>
internal static class CharClass
{
    /// <summary><c>[a-f0-9]</c>: identifier and digest-hex as go-digest accepts it.</summary>
    internal static bool IsLowerHex(char c) => (uint)(c - '0') <= 9 || (uint)(c - 'a') <= 'f' - 'a';

    /// <summary>True when every character of <c>s[start..end)</c> is <c>[a-f0-9]</c>.</summary>
    internal static bool IsLowerHex(string s, int start, int end)
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

    /// <summary><c>[A-F]</c>: hex the grammar accepts but go-digest refuses.</summary>
    internal static bool IsUpperHexLetter(char c) => (uint)(c - 'A') <= 'F' - 'A';

    /// <summary><c>[a-fA-F0-9]</c>: inside a bracketed IPv6 address.</summary>
    internal static bool IsHex(char c) => IsLowerHex(c) || IsUpperHexLetter(c);

    /// <summary><c>[0-9]</c>.</summary>
    internal static bool IsDigit(char c) => (uint)(c - '0') <= 9;

    /// <summary><c>[A-Z]</c>.</summary>
    internal static bool IsUpper(char c) => (uint)(c - 'A') <= 'Z' - 'A';

    /// <summary>alpha-numeric: <c>[a-z0-9]</c>, the path's only letters.</summary>
    internal static bool IsLowerLetterOrDigit(char c) => (uint)(c - 'a') <= 'z' - 'a' || IsDigit(c);

    /// <summary><c>[A-Za-z]</c>.</summary>
    internal static bool IsLetter(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';

    /// <summary><c>[A-Za-z0-9]</c>: domain-component and digest-algorithm-component.</summary>
    internal static bool IsLetterOrDigit(char c) => IsLetter(c) || IsDigit(c);

    /// <summary><c>\w</c> in Go: <c>[0-9A-Za-z_]</c>, for tags.</summary>
    internal static bool IsWordCharacter(char c) => IsLetterOrDigit(c) || c == '_';

    /// <summary>separator's characters: '.', '_' and '-'.</summary>
    internal static bool IsSeparator(char c) => c == '.' || c == '_' || c == '-';
}

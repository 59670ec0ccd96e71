using System.Globalization;

namespace ImgTrack.References;

/// <summary>How the grammar's messages (ReferenceMessages.resx) quote the value that broke a rule.</summary>
internal static class QuotedText
{
    // Values quoted in messages are cut here, so an error record for a 1 MB name stays readable.
    private const int MaxQuotedLength = 256;

    /// <summary><c>s[start..end)</c> for a message, cut to 256 characters plus '…'.</summary>
    internal static string Quote(string s, int start, int end) =>
        end - start > MaxQuotedLength ? s.Substring(start, MaxQuotedLength) + "…"
        : start == 0 && end == s.Length ? s
        : s.Substring(start, end - start);

    /// <summary><c>s[start..)</c> up to <paramref name="stop"/> or the end, for a message.</summary>
    internal static string QuoteUntil(string s, int start, char stop)
    {
        var end = s.IndexOf(stop, start);
        return Quote(s, start, end < 0 ? s.Length : end);
    }

    /// <summary>A character as a message shows it: <c>'x'</c>, or <c>U+000A</c> when it would not print.</summary>
    internal static string Describe(char c) =>
        c < ' ' || c == '\x7f' || (char.IsWhiteSpace(c) && c != ' ') || char.IsControl(c) || char.IsSurrogate(c)
            ? "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture)
            : "'" + c + "'";
}

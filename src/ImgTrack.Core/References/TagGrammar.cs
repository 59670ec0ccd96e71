using static ImgTrack.References.QuotedText;
using static ImgTrack.Text.MessageText;

namespace ImgTrack.References;

/// <summary>The tag production of the reference grammar (see ImageReferenceParser.cs): <c>[\w][\w.-]{0,127}</c>, ASCII \w.</summary>
internal static class TagGrammar
{
    /// <summary>The longest tag: one character, then up to 127 more.</summary>
    internal const int MaxLength = 128;

    /// <summary>Scans a tag from <paramref name="start"/> (after ':'); it ends at the end or at '@' (a digest).</summary>
    internal static bool Scan(string s, int start, out int end, out string? error)
    {
        end = start;
        error = StartError(s, start);
        if (error is not null)
        {
            return false;
        }

        var i = start + 1;
        while (i < s.Length && (CharClass.IsWordCharacter(s[i]) || s[i] == '.' || s[i] == '-'))
        {
            i++;
        }

        if (i < s.Length && s[i] != '@')
        {
            error = Format(ReferenceMessages.TagInvalidCharacter, QuoteUntil(s, start, '@'), Describe(s[i]));
            return false;
        }

        // Length last: a tag with a bad character is reported for that character, however long it is.
        if (i - start > MaxLength)
        {
            error = Format(ReferenceMessages.TagTooLong, i - start);
            return false;
        }

        end = i;
        return true;
    }

    // A tag starts with [\w]: the message when its first character is missing or is not; null when it is.
    private static string? StartError(string s, int start)
    {
        if (start == s.Length || s[start] == '@')
        {
            return ReferenceMessages.TagEmpty;
        }

        var first = s[start];
        return CharClass.IsWordCharacter(first) ? null
            : first == '.' || first == '-' ? Format(ReferenceMessages.TagStart, QuoteUntil(s, start, '@'))
            : Format(ReferenceMessages.TagInvalidCharacter, QuoteUntil(s, start, '@'), Describe(first));
    }
}

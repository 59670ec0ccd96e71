using static ImgTrack.References.QuotedText;
using static ImgTrack.Text.MessageText;

namespace ImgTrack.References;

/// <summary>
/// The path (remote-name) production of the reference grammar (see ImageReferenceParser.cs):
/// <c>path-component ['/' path-component]*</c>, each component lowercase alpha-numeric runs joined by separators.
/// </summary>
internal static class PathGrammar
{
    private static readonly char[] s_pathEnds = { ':', '@' };

    /// <summary>Scans the path from <paramref name="start"/>; it ends at the end, ':' (a tag) or '@' (a digest).</summary>
    internal static bool Scan(string s, int start, out int end, out string? error)
    {
        end = start;
        if (start == s.Length || s[start] == ':' || s[start] == '@')
        {
            error = ReferenceMessages.PathEmpty;
            return false;
        }

        var i = start;
        while (true)
        {
            i = ScanComponent(s, start, i, out error);
            if (i < 0)
            {
                return false;
            }

            if (i == s.Length || s[i] == ':' || s[i] == '@')
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

    /// <summary>
    /// path-component := alpha-numeric [separator alpha-numeric]* from <paramref name="start"/>, with alpha-numeric
    /// := <c>[a-z0-9]+</c>; returns where it ends, or -1.
    /// </summary>
    private static int ScanComponent(string s, int pathStart, int start, out string? error)
    {
        error = null;
        if (start == s.Length || !CharClass.IsLowerLetterOrDigit(s[start]))
        {
            error = ComponentStartError(s, pathStart, start);
            return -1;
        }

        var i = start + 1;
        while (i < s.Length)
        {
            if (CharClass.IsLowerLetterOrDigit(s[i]))
            {
                i++;
                continue;
            }

            var separatorEnd = SeparatorEnd(s, i);
            if (separatorEnd == i)
            {
                break;
            }

            if (separatorEnd == s.Length || !CharClass.IsLowerLetterOrDigit(s[separatorEnd]))
            {
                error = SeparatorError(s, pathStart, start, i, separatorEnd);
                return -1;
            }

            i = separatorEnd + 1;
        }

        return i;
    }

    /// <summary>separator := <c>[_.]|__|[-]+</c> at <paramref name="i"/>; returns where it ends (<paramref name="i"/> when there is none).</summary>
    private static int SeparatorEnd(string s, int i)
    {
        switch (s[i])
        {
            case '.':
                return i + 1;
            case '_':
                return i + 1 < s.Length && s[i + 1] == '_' ? i + 2 : i + 1;
            case '-':
                do
                {
                    i++;
                }
                while (i < s.Length && s[i] == '-');
                return i;
            default:
                return i;
        }
    }

    private static string ComponentStartError(string s, int pathStart, int componentStart)
    {
        if (componentStart == s.Length)
        {
            return Format(ReferenceMessages.PathEmptyComponent, PathText(s, pathStart));
        }

        var c = s[componentStart];
        return c == '/' || c == ':' || c == '@' ? Format(ReferenceMessages.PathEmptyComponent, PathText(s, pathStart))
            : CharClass.IsSeparator(c) ? Format(ReferenceMessages.PathComponentStart, ComponentText(s, componentStart))
            : CharacterError(s, pathStart, c);
    }

    // The separator at [separatorStart, i) is not followed by alpha-numeric: a longer run of separator characters,
    // the component's end, or a character the path never has.
    private static string SeparatorError(string s, int pathStart, int componentStart, int separatorStart, int i)
    {
        if (i < s.Length && CharClass.IsSeparator(s[i]))
        {
            var separatorEnd = i;
            while (separatorEnd < s.Length && CharClass.IsSeparator(s[separatorEnd]))
            {
                separatorEnd++;
            }

            return Format(ReferenceMessages.PathSeparator, ComponentText(s, componentStart), Quote(s, separatorStart, separatorEnd));
        }

        return i == s.Length || s[i] == '/' || s[i] == ':' || s[i] == '@'
            ? Format(ReferenceMessages.PathComponentEnd, ComponentText(s, componentStart))
            : CharacterError(s, pathStart, s[i]);
    }

    // ParseNormalizedNamed checks for uppercase before the grammar, so an uppercase letter gets its own message.
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
}

using System;
using System.Globalization;
using System.Text;

namespace ImgTrack.Text;

/// <summary>
/// Fills a message template from a resource file in the user's culture: the one way messages are made. Every value put
/// into a message has its control characters neutralized first (<see cref="Neutralize"/>): names, tags and engine or
/// registry text come from outside, and an escape sequence echoed raw would recolour, rewrite or hide what the console,
/// a transcript or a task's log shows.
/// </summary>
internal static class MessageText
{
    /// <summary><see cref="string.Format(System.IFormatProvider, string, object[])"/> in the current culture, each value
    /// neutralized.</summary>
    public static string Format(string template, params object?[] args)
    {
        if (args is not null)
        {
            var values = new object?[args.Length];
            for (var i = 0; i < args.Length; i++)
            {
                values[i] = args[i] switch
                {
                    null => string.Empty,
                    string text => Neutralize(text),

                    // Numbers and dates keep the culture's format; nothing else is trusted to print clean.
                    IFormattable formattable when args[i] is not Enum => formattable,
                    var other => Neutralize(Convert.ToString(other, CultureInfo.CurrentCulture) ?? string.Empty),
                };
            }

            args = values;
        }

        return string.Format(CultureInfo.CurrentCulture, template, args!);
    }

    /// <summary>
    /// <paramref name="text"/> with every character that does not print as itself written as <c>\uXXXX</c>: C0 and C1
    /// controls (ESC, CR, LF, TAB, BEL…), DEL, the bidirectional overrides and isolates that reorder what follows
    /// them (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), and lone surrogates (what is left of invalid UTF-16).
    /// A backslash stays as it is: the form is for reading, not for decoding.
    /// </summary>
    public static string Neutralize(string text)
    {
        if (text is null)
        {
            return string.Empty;
        }

        var first = FirstUnsafe(text);
        if (first < 0)
        {
            return text;
        }

        var clean = new StringBuilder(text.Length + 16);
        clean.Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                clean.Append(c).Append(text[++i]);
            }
            else if (IsUnsafe(c))
            {
                clean.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                clean.Append(c);
            }
        }

        return clean.ToString();
    }

    private static int FirstUnsafe(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (IsUnsafe(c))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsUnsafe(char c) =>
        c < ' ' || (c >= '\x7f' && c <= '\x9f') || char.IsSurrogate(c)
        || c == '\u061c' || c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
}

using System.Globalization;
using System.Text;

namespace ImgTrack.Fuzz;

/// <summary>Inputs in a form a terminal and a C# or PowerShell string can hold: printable ASCII as is, the rest escaped.</summary>
internal static class Escaping
{
    /// <summary>Text as a quoted C# string literal: <c>"a\u00e9\n"</c>.</summary>
    internal static string Escape(string text)
    {
        var escaped = new StringBuilder("\"", text.Length + 2);
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => escaped.Append("\\\""),
                '\\' => escaped.Append("\\\\"),
                '\n' => escaped.Append("\\n"),
                '\r' => escaped.Append("\\r"),
                '\t' => escaped.Append("\\t"),
                >= ' ' and <= '~' => escaped.Append(c),
                _ => escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
            };
        }

        return escaped.Append('"').ToString();
    }

    /// <summary>Bytes with printable ASCII as is and every other byte as <c>\xNN</c>.</summary>
    internal static string Escape(byte[] bytes)
    {
        var escaped = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b >= (byte)' ' && b <= (byte)'~' && b != (byte)'\\')
            {
                escaped.Append((char)b);
            }
            else
            {
                escaped.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
        }

        return escaped.ToString();
    }
}

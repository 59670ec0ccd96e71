using System.Globalization;

namespace ImgTrack.Text;

/// <summary>Fills a message template from a resource file in the user's culture: the one way messages are made.</summary>
internal static class MessageText
{
    /// <summary><see cref="string.Format(System.IFormatProvider, string, object[])"/> in the current culture.</summary>
    public static string Format(string template, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, template, args);
}

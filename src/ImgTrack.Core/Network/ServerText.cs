using System;
using System.Text;
using System.Text.RegularExpressions;

namespace ImgTrack.Network;

/// <summary>
/// Text a server sent back (an error's words, a header value), made fit to quote in a message that reaches logs,
/// <c>$Error</c> and JSON exports: credentials redacted, control characters neutralized, the length capped. A server
/// that echoes the request would otherwise put the request's <c>Authorization</c> header into the message.
/// </summary>
internal static class ServerText
{
    /// <summary>The most characters of server text a message quotes.</summary>
    public const int MaxQuoted = 300;

    /// <summary>What stands where a credential was.</summary>
    public const string Redacted = "[redacted]";

    private static readonly TimeSpan s_matchTimeout = TimeSpan.FromSeconds(1);

    // An Authorization or Proxy-Authorization header, its whole value to the end of the line or of a quoted string.
    private static readonly Regex s_authorizationHeader = new(
        @"(?<name>(?:proxy-)?authorization)(?<sep>""?\s*[:=]\s*""?|\s+)(?<value>[^""\r\n]+)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, s_matchTimeout);

    // A scheme's credential: Basic <base64>, Bearer <token>; not a challenge's parameters (Bearer realm="…").
    private static readonly Regex s_schemeValue = new(
        @"\b(?<name>basic|bearer)(?<sep>\s+)(?<value>(?>[A-Za-z0-9\-._~+/]{6,}=*))(?![=""])",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, s_matchTimeout);

    // name=value, name: value and JSON "name":"value" pairs whose name says secret.
    private static readonly Regex s_secretPair = new(
        @"(?<name>\b(?:password|passwd|pwd|secret|client_secret|token|access_token|refresh_token|id_token|identitytoken|api[_-]?key|auth)""?)(?<sep>\s*[:=]\s*""?)(?<value>[^""&\s,;}]+)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, s_matchTimeout);

    // A JSON Web Token: base64url header (always starts eyJ, "{\""), payload, optional signature.
    private static readonly Regex s_jwt = new(
        @"eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}(?:\.[A-Za-z0-9_\-]*)?",
        RegexOptions.CultureInvariant, s_matchTimeout);

    // A long run of base64 or base64url (with both cases and a digit, checked in TokenShaped): the shape of a token,
    // never of a digest (lower-case hex).
    private static readonly Regex s_longRun = new(
        @"(?<![A-Za-z0-9+/_\-])[A-Za-z0-9+/_\-]{32,}=*",
        RegexOptions.CultureInvariant, s_matchTimeout);

    /// <summary>
    /// <paramref name="text"/> with credentials replaced by <see cref="Redacted"/>, control characters by spaces,
    /// surrounding white space trimmed and at most <see cref="MaxQuoted"/> characters kept (an ellipsis says more was
    /// sent). Null or empty stays empty.
    /// </summary>
    public static string Quote(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        // Redact before the final cut, so a cut never leaves half a secret that no rule recognizes; only a bounded
        // head is looked at (four times what is kept), so a huge answer costs no more than a small one.
        var head = text!.Length > MaxQuoted * 4 ? text.Substring(0, MaxQuoted * 4) : text;
        var clean = new StringBuilder(head.Length);
        foreach (var c in Redact(head))
        {
            clean.Append(char.IsControl(c) ? ' ' : c);
        }

        var quoted = clean.ToString().Trim();
        var cut = head.Length < text.Length || quoted.Length > MaxQuoted;
        if (quoted.Length > MaxQuoted)
        {
            quoted = quoted.Substring(0, MaxQuoted).TrimEnd();
        }

        return cut ? quoted + "…" : quoted;
    }

    private static bool TokenShaped(string run)
    {
        bool upper = false, lower = false, digit = false;
        foreach (var c in run)
        {
            upper |= c is >= 'A' and <= 'Z';
            lower |= c is >= 'a' and <= 'z';
            digit |= c is >= '0' and <= '9';
        }

        return upper && lower && digit;
    }

    /// <summary><paramref name="text"/> with every credential-shaped part replaced by <see cref="Redacted"/>.</summary>
    public static string Redact(string text)
    {
        try
        {
            var result = s_authorizationHeader.Replace(text, m => m.Groups["name"].Value + m.Groups["sep"].Value + Redacted);
            result = s_schemeValue.Replace(result, m => m.Groups["value"].Value == Redacted ? m.Value : m.Groups["name"].Value + m.Groups["sep"].Value + Redacted);
            result = s_secretPair.Replace(result, m => m.Groups["value"].Value.StartsWith(Redacted, StringComparison.Ordinal) ? m.Value : m.Groups["name"].Value + m.Groups["sep"].Value + Redacted);
            result = s_jwt.Replace(result, Redacted);
            return s_longRun.Replace(result, m => TokenShaped(m.Value) ? Redacted : m.Value);
        }
        catch (RegexMatchTimeoutException)
        {
            // Text built to make the rules slow is not quoted at all.
            return Redacted;
        }
    }
}

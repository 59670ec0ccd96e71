using System;
using System.Collections.Generic;
using System.Text;

namespace ImgTrack.Registry;

/// <summary>One <c>WWW-Authenticate</c> challenge (RFC 7235): a scheme and its parameters.</summary>
internal sealed class AuthChallenge
{
    private AuthChallenge(string scheme, Dictionary<string, string> parameters)
    {
        Scheme = scheme;
        Parameters = parameters;
    }

    /// <summary><c>Bearer</c> or <c>Basic</c> (as sent).</summary>
    public string Scheme { get; }

    /// <summary>Parameter names lower case.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    public bool IsBearer => string.Equals(Scheme, "Bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => string.Equals(Scheme, "Basic", StringComparison.OrdinalIgnoreCase);

    public string? this[string name] => Parameters.TryGetValue(name, out var value) ? value : null;

    /// <summary>Parses the challenges of one or more header values; malformed parts are skipped.</summary>
    public static List<AuthChallenge> Parse(IEnumerable<string> headerValues)
    {
        var challenges = new List<AuthChallenge>();
        foreach (var value in headerValues)
        {
            ParseInto(value, challenges);
        }

        return challenges;
    }

    // scheme param=value, param="quoted, value", … [, scheme2 …]: a token not followed by '=' starts a new challenge.
    private static void ParseInto(string text, List<AuthChallenge> challenges)
    {
        var i = 0;
        Dictionary<string, string>? current = null;
        while (i < text.Length)
        {
            SkipSeparators(text, ref i);
            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not '=' and not ',')
            {
                i++;
            }

            if (i == start)
            {
                i++;
                continue;
            }

            var token = text.Substring(start, i - start);
            var afterToken = i;
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }

            if (i < text.Length && text[i] == '=' && current is not null)
            {
                i++;
                while (i < text.Length && text[i] == ' ')
                {
                    i++;
                }

                current[token.ToLowerInvariant()] = ReadValue(text, ref i);
                continue;
            }

            i = afterToken;
            current = new Dictionary<string, string>(StringComparer.Ordinal);
            challenges.Add(new AuthChallenge(token, current));
        }
    }

    private static void SkipSeparators(string text, ref int i)
    {
        while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
        {
            i++;
        }
    }

    private static string ReadValue(string text, ref int i)
    {
        if (i < text.Length && text[i] == '"')
        {
            var value = new StringBuilder();
            i++;
            while (i < text.Length && text[i] != '"')
            {
                if (text[i] == '\\' && i + 1 < text.Length)
                {
                    i++;
                }

                value.Append(text[i]);
                i++;
            }

            i++;
            return value.ToString();
        }

        var start = i;
        while (i < text.Length && text[i] != ',' && !char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return text.Substring(start, i - start);
    }
}

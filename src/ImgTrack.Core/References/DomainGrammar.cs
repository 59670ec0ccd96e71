using static ImgTrack.References.QuotedText;
using static ImgTrack.Text.MessageText;

namespace ImgTrack.References;

/// <summary>
/// The domain production of the reference grammar (see ImageReferenceParser.cs), on the text before the first '/':
/// <c>domain := host [':' port-number]</c>, where a host is a domain-name or a bracketed IPv6 address.
/// </summary>
internal static class DomainGrammar
{
    /// <summary>Scans <c>s[0..end)</c> as a domain; <paramref name="hostEnd"/> is where the host stops (at ':' or the end).</summary>
    internal static bool Scan(string s, int end, out int hostEnd, out int? port, out string? error)
    {
        port = null;
        var hostValid = s[0] == '['
            ? ScanIpv6Host(s, end, out hostEnd, out error)
            : ScanDomainName(s, end, out hostEnd, out error);
        if (!hostValid || hostEnd == end)
        {
            return hostValid;
        }

        // A domain-name stops only at ':' or the end; a bracketed host may be followed by anything.
        if (s[hostEnd] != ':')
        {
            error = Format(ReferenceMessages.RegistryTrailing, Quote(s, 0, end), Describe(s[hostEnd]));
            return false;
        }

        return ScanPort(s, hostEnd + 1, end, out port, out error);
    }

    /// <summary>host := '[' IPv6address ']' with IPv6address := <c>[a-fA-F0-9:]+</c> (no zones, no embedded IPv4).</summary>
    private static bool ScanIpv6Host(string s, int end, out int hostEnd, out string? error)
    {
        error = null;
        var i = 1;
        while (i < end && (CharClass.IsHex(s[i]) || s[i] == ':'))
        {
            i++;
        }

        if (i == end)
        {
            hostEnd = end;
            error = Format(ReferenceMessages.Ipv6Unclosed, Quote(s, 0, end));
            return false;
        }

        if (s[i] != ']')
        {
            var close = s.IndexOf(']', i, end - i);
            hostEnd = close < 0 ? end : close + 1;
            error = Format(ReferenceMessages.Ipv6InvalidCharacter, Quote(s, 0, hostEnd), Describe(s[i]));
            return false;
        }

        hostEnd = i + 1;
        if (i == 1)
        {
            error = Format(ReferenceMessages.Ipv6Empty, Quote(s, 0, hostEnd));
            return false;
        }

        return true;
    }

    /// <summary>host := domain-name := domain-component ['.' domain-component]*, up to the first ':' or the end.</summary>
    private static bool ScanDomainName(string s, int end, out int hostEnd, out string? error)
    {
        var colon = s.IndexOf(':', 0, end);
        hostEnd = colon < 0 ? end : colon;

        // The one rule we add to Docker's grammar (see ImageReferenceParser.cs): no '_' in a registry host.
        if (s.IndexOf('_', 0, hostEnd) >= 0)
        {
            error = Format(ReferenceMessages.HostUnderscore, Quote(s, 0, hostEnd));
            return false;
        }

        var i = 0;
        while (true)
        {
            i = ScanDomainComponent(s, i, hostEnd, out error);
            if (i < 0 || i == hostEnd)
            {
                return i >= 0;
            }

            if (s[i] != '.')
            {
                error = Format(ReferenceMessages.HostInvalidCharacter, Quote(s, 0, hostEnd), Describe(s[i]));
                return false;
            }

            i++;
        }
    }

    /// <summary>
    /// domain-component := <c>[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]</c> from <paramref name="start"/>;
    /// returns where it ends, or -1.
    /// </summary>
    private static int ScanDomainComponent(string s, int start, int hostEnd, out string? error)
    {
        error = null;
        if (start == hostEnd || s[start] == '.')
        {
            error = Format(ReferenceMessages.HostEmptyComponent, Quote(s, 0, hostEnd));
            return -1;
        }

        if (!CharClass.IsLetterOrDigit(s[start]))
        {
            error = s[start] == '-'
                ? Format(ReferenceMessages.HostComponentDash, Quote(s, 0, hostEnd))
                : Format(ReferenceMessages.HostInvalidCharacter, Quote(s, 0, hostEnd), Describe(s[start]));
            return -1;
        }

        var i = start + 1;
        while (i < hostEnd && (CharClass.IsLetterOrDigit(s[i]) || s[i] == '-'))
        {
            i++;
        }

        if (s[i - 1] == '-')
        {
            error = Format(ReferenceMessages.HostComponentDash, Quote(s, 0, hostEnd));
            return -1;
        }

        return i;
    }

    /// <summary>port-number := <c>[0-9]+</c> on <c>s[start..end)</c>. Any digits are valid; Port is set only for 1–65535.</summary>
    private static bool ScanPort(string s, int start, int end, out int? port, out string? error)
    {
        port = null;
        error = null;
        if (start == end)
        {
            error = Format(ReferenceMessages.PortEmpty, Quote(s, 0, end));
            return false;
        }

        var value = 0;
        for (var i = start; i < end; i++)
        {
            if (!CharClass.IsDigit(s[i]))
            {
                error = Format(ReferenceMessages.PortNotDigits, Quote(s, start, end));
                return false;
            }

            // Past 65535 the value stops growing: it cannot be a port, and it cannot overflow.
            if (value <= 65535)
            {
                value = (value * 10) + (s[i] - '0');
            }
        }

        port = value is >= 1 and <= 65535 ? value : null;
        return true;
    }
}

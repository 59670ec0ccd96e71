using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using ImgTrack.Text;

namespace ImgTrack.Oci;

/// <summary>
/// An image platform, <c>os/arch[/variant]</c> (<c>linux/arm64/v8</c>), with the Windows <c>os.version</c> an index
/// may carry. Values keep the text they were given; <see cref="Matches"/> compares them the way containerd's
/// <c>platforms</c> package does after normalizing (<c>aarch64</c> = <c>arm64</c> = <c>arm64/v8</c>, <c>arm</c> =
/// <c>arm/v7</c>, <c>x86_64</c> = <c>amd64</c>).
/// </summary>
public sealed class Platform : IEquatable<Platform>
{
    /// <summary>Creates a platform.</summary>
    /// <param name="os">Operating system, e.g. <c>linux</c>.</param>
    /// <param name="architecture">CPU architecture, e.g. <c>amd64</c>.</param>
    /// <param name="variant">CPU variant, e.g. <c>v8</c>, or null.</param>
    /// <param name="osVersion">Windows <c>os.version</c> (<c>10.0.20348.2113</c>), or null.</param>
    public Platform(string os, string architecture, string? variant = null, string? osVersion = null)
    {
        if (string.IsNullOrEmpty(os))
        {
            throw new ArgumentException(OciMessages.PlatformOsEmpty, nameof(os));
        }

        if (string.IsNullOrEmpty(architecture))
        {
            throw new ArgumentException(OciMessages.PlatformArchitectureEmpty, nameof(architecture));
        }

        Os = os.ToLowerInvariant();
        Architecture = architecture.ToLowerInvariant();
        Variant = string.IsNullOrEmpty(variant) ? null : variant!.ToLowerInvariant();
        OsVersion = string.IsNullOrEmpty(osVersion) ? null : osVersion;
    }

    /// <summary>Operating system (<c>linux</c>, <c>windows</c>).</summary>
    public string Os { get; }

    /// <summary>CPU architecture (<c>amd64</c>, <c>arm64</c>).</summary>
    public string Architecture { get; }

    /// <summary>CPU variant (<c>v8</c>), or null.</summary>
    public string? Variant { get; }

    /// <summary>Windows <c>os.version</c>, or null. Not part of the text form.</summary>
    public string? OsVersion { get; }

    /// <summary>
    /// The platform images for this machine would be built for: <c>linux/</c> (<c>windows/</c> on Windows) and this
    /// machine's architecture, as Docker names it (<c>amd64</c>, <c>arm64</c>, <c>arm/v7</c>, <c>386</c>).
    /// </summary>
    public static Platform Current
    {
        get
        {
            var os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "windows" : "linux";
            return RuntimeInformation.OSArchitecture switch
            {
                System.Runtime.InteropServices.Architecture.Arm64 => new Platform(os, "arm64"),
                System.Runtime.InteropServices.Architecture.Arm => new Platform(os, "arm", "v7"),
                System.Runtime.InteropServices.Architecture.X86 => new Platform(os, "386"),
                _ => new Platform(os, "amd64"),
            };
        }
    }

    /// <summary>Parses <c>os/arch[/variant]</c>; throws <see cref="FormatException"/> naming the expected form.</summary>
    /// <param name="text">The text, e.g. <c>linux/arm64/v8</c>.</param>
    public static Platform Parse(string text) =>
        TryParse(text, out var platform) ? platform : throw new FormatException(MessageText.Format(OciMessages.PlatformInvalid, text));

    /// <summary>Parses <c>os/arch[/variant]</c>; false when the text is not of that form.</summary>
    /// <param name="text">The text; null is not valid.</param>
    /// <param name="platform">The platform, or null.</param>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Platform? platform)
    {
        platform = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text!.Trim().Split('/');
        if (parts.Length is < 2 or > 3)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length == 0 || !IsToken(part))
            {
                return false;
            }
        }

        platform = new Platform(parts[0], parts[1], parts.Length == 3 ? parts[2] : null);
        return true;
    }

    /// <summary>
    /// True when an image for <paramref name="candidate"/> is what a pull for this platform takes: the same operating
    /// system and, after containerd's normalization, the same architecture and variant. When both carry a Windows
    /// <c>os.version</c>, the major.minor.build parts must agree too.
    /// </summary>
    /// <param name="candidate">A platform from an index or an image config.</param>
    public bool Matches(Platform candidate)
    {
        if (candidate is null)
        {
            throw new ArgumentNullException(nameof(candidate));
        }

        var wanted = Normalize();
        var offered = candidate.Normalize();
        if (wanted.Os != offered.Os || wanted.Architecture != offered.Architecture)
        {
            return false;
        }

        // A request without a variant takes the normalized default (arm = v7); one with a variant wants exactly it.
        if (!string.Equals(wanted.Variant, offered.Variant, StringComparison.Ordinal))
        {
            return false;
        }

        return OsVersion is null || candidate.OsVersion is null || SameBuild(OsVersion, candidate.OsVersion);
    }

    /// <summary>This platform as containerd normalizes it (<c>platforms.Normalize</c>): arch aliases folded, default
    /// variants filled in (<c>arm</c> → <c>v7</c>) or dropped (<c>arm64/v8</c> → <c>arm64</c>, <c>amd64/v1</c> → <c>amd64</c>).</summary>
    public Platform Normalize()
    {
        var os = Os == "macos" ? "darwin" : Os;
        var architecture = Architecture;
        var variant = Variant;
        switch (architecture)
        {
            case "i386":
                architecture = "386";
                variant = null;
                break;
            case "x86_64":
            case "x86-64":
            case "amd64":
                architecture = "amd64";
                if (variant == "v1")
                {
                    variant = null;
                }

                break;
            case "aarch64":
            case "arm64":
                architecture = "arm64";
                if (variant is "8" or "v8" or "v8.0")
                {
                    variant = null;
                }

                break;
            case "armhf":
                architecture = "arm";
                variant = "v7";
                break;
            case "armel":
                architecture = "arm";
                variant = "v6";
                break;
            case "arm":
                variant = variant switch
                {
                    null or "7" => "v7",
                    "5" or "6" or "8" => "v" + variant,
                    _ => variant,
                };
                break;
        }

        return new Platform(os, architecture, variant, OsVersion);
    }

    /// <summary>
    /// What a pull for this platform takes, best first, as containerd's <c>platforms.Only</c> orders it: this platform
    /// (normalized), then the older variants its CPU also runs (<c>arm64</c>: <c>arm/v8</c> … <c>arm/v5</c>;
    /// <c>arm/v7</c>: <c>arm/v6</c>, <c>arm/v5</c>).
    /// </summary>
    internal Platform[] PullOrder()
    {
        var self = Normalize();
        int? armVariant = self.Architecture switch
        {
            "arm64" when self.Variant is null => 8,
            "arm" when self.Variant is { Length: 2 } v && v[0] == 'v' && v[1] is >= '5' and <= '8' => v[1] - '0',
            _ => null,
        };

        if (armVariant is null)
        {
            return new[] { self };
        }

        var order = new System.Collections.Generic.List<Platform> { self };
        for (var v = armVariant.Value; v >= 5; v--)
        {
            var fallback = new Platform(self.Os, "arm", "v" + v.ToString(CultureInfo.InvariantCulture), self.OsVersion);
            if (!fallback.Equals(self))
            {
                order.Add(fallback);
            }
        }

        return order.ToArray();
    }

    /// <summary><c>os/arch[/variant]</c>.</summary>
    public override string ToString() => Variant is null ? Os + "/" + Architecture : Os + "/" + Architecture + "/" + Variant;

    /// <summary>Equal when the text forms and OS versions are equal (use <see cref="Matches"/> to compare as a pull does).</summary>
    public bool Equals(Platform? other) =>
        other is not null && Os == other.Os && Architecture == other.Architecture && Variant == other.Variant && OsVersion == other.OsVersion;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Platform);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    // Windows images run only on hosts of the same build: compare "10.0.20348" of "10.0.20348.2113".
    private static bool SameBuild(string left, string right) =>
        string.Equals(BuildPrefix(left), BuildPrefix(right), StringComparison.Ordinal);

    private static string BuildPrefix(string version)
    {
        var parts = version.Split('.');
        return parts.Length > 3 ? string.Join(".", parts, 0, 3) : version;
    }

    private static bool IsToken(string part)
    {
        foreach (var c in part)
        {
            if (!(char.IsLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}

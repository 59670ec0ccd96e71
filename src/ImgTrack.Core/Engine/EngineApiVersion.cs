using System.Globalization;

namespace ImgTrack.Engine;

/// <summary>Docker Engine API versions (<c>1.41</c>): the minimum ImgTrack needs, and comparisons.</summary>
public static class EngineApiVersion
{
    /// <summary>The oldest API ImgTrack works with: Docker Engine 20.10 and Podman 4's compatible API speak 1.41.</summary>
    public const string Minimum = "1.41";

    /// <summary>The first API whose image inspect takes <c>manifests=1</c> and answers the containerd image store's
    /// <c>Manifests</c> (one summary per platform manifest).</summary>
    public const string InspectManifests = "1.48";

    /// <summary>True when <paramref name="version"/> is <c>major.minor</c> and at least <paramref name="atLeast"/>;
    /// null when it cannot be read.</summary>
    public static bool? IsAtLeast(string? version, string atLeast)
    {
        if (!TryParse(version, out var major, out var minor) || !TryParse(atLeast, out var wantMajor, out var wantMinor))
        {
            return null;
        }

        return major > wantMajor || (major == wantMajor && minor >= wantMinor);
    }

    private static bool TryParse(string? version, out int major, out int minor)
    {
        major = minor = 0;
        if (version is null)
        {
            return false;
        }

        var dot = version.IndexOf('.');
        return dot > 0
            && int.TryParse(version.Substring(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out major)
            && int.TryParse(version.Substring(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out minor);
    }
}

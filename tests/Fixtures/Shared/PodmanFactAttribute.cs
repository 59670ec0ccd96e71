using System;
using System.IO;
using Xunit;

namespace ImgTrack.Tests;

/// <summary>Decides whether the Podman tests can run on this machine.</summary>
public static class PodmanAvailability
{
    /// <summary>Null when Podman tests can run (or must, in CI), else the reason they skip.</summary>
    public static string? WhyUnavailable()
    {
        if (EngineAvailability.Required)
        {
            return null;
        }

        if (!OperatingSystem.IsLinux())
        {
            return "Podman tests start Debian's podman and docker-registry, which need Linux.";
        }

        if (!File.Exists("/usr/bin/podman") || !File.Exists("/usr/bin/docker-registry"))
        {
            return "Podman tests need Debian's podman and docker-registry packages (apt-get install podman docker-registry); set IMGTRACK_REQUIRE_ENGINE=1 to fail instead of skipping.";
        }

        if (Environment.UserName != "root")
        {
            return "Podman tests run podman with a private store as root (rootless Podman needs subordinate IDs this fixture does not set up).";
        }

        return null;
    }
}

/// <summary>A test that needs Podman (see <see cref="PodmanFixture"/>): skips outside CI where it cannot run, saying why.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PodmanFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when Podman cannot be had here.</summary>
    public PodmanFactAttribute()
    {
        var reason = PodmanAvailability.WhyUnavailable();
        if (reason is not null)
        {
            Skip = reason;
        }
    }
}

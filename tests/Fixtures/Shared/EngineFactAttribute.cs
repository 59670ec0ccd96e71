using System;
using System.IO;
using Xunit;

namespace ImgTrack.Tests;

/// <summary>
/// A test that needs a real Docker engine and registry (Debian's docker.io and docker-registry packages, run by
/// the test's own fixture). Outside CI it skips, saying why, when they are not installed or we are not root;
/// in CI (<c>IMGTRACK_REQUIRE_ENGINE=1</c>) it always runs, so a missing engine fails the run instead of hiding.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class EngineFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the engine cannot be had here.</summary>
    public EngineFactAttribute()
    {
        var reason = EngineAvailability.WhyUnavailable();
        if (reason is not null)
        {
            Skip = reason;
        }
    }
}

/// <summary>A table-driven test that needs a real engine (see <see cref="EngineFactAttribute"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class EngineTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the engine cannot be had here.</summary>
    public EngineTheoryAttribute()
    {
        var reason = EngineAvailability.WhyUnavailable();
        if (reason is not null)
        {
            Skip = reason;
        }
    }
}

/// <summary>Decides whether engine tests can run on this machine.</summary>
public static class EngineAvailability
{
    /// <summary>True when CI demands the engine tests (<c>IMGTRACK_REQUIRE_ENGINE=1</c>).</summary>
    public static bool Required => Environment.GetEnvironmentVariable("IMGTRACK_REQUIRE_ENGINE") == "1";

    /// <summary>Null when engine tests can run (or must run), else the reason they skip.</summary>
    public static string? WhyUnavailable()
    {
        if (Required)
        {
            return null;
        }

        if (!OperatingSystem.IsLinux())
        {
            return "Engine tests start Debian's dockerd and docker-registry, which need Linux.";
        }

        if (!File.Exists("/usr/sbin/dockerd") || !File.Exists("/usr/bin/docker-registry"))
        {
            return "Engine tests need Debian's docker.io and docker-registry packages (apt-get install docker.io docker-registry); set IMGTRACK_REQUIRE_ENGINE=1 to fail instead of skipping.";
        }

        if (Environment.UserName != "root")
        {
            return "Engine tests start dockerd, which needs root.";
        }

        return null;
    }
}

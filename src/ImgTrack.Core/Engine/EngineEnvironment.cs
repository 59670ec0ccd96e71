using System;
using System.Runtime.InteropServices;
using ImgTrack.DockerCli;

namespace ImgTrack.Engine;

/// <summary>
/// What endpoint resolution reads from the machine: environment variables, the user's home folder and the
/// platform. A seam so every branch of the docker CLI's resolution order can be tested without touching the
/// real environment; files are read from the real file system under the folders these values name.
/// </summary>
public sealed class EngineEnvironment
{
    private readonly Func<string, string?> _getVariable;

    /// <summary>Creates an environment from a variable lookup, a home folder and the platform.</summary>
    /// <param name="getVariable">Returns an environment variable's value, or null when it is not set.</param>
    /// <param name="homeDirectory">The user's home folder (the docker CLI's <c>~</c>).</param>
    /// <param name="isWindows">True on Windows, where the default endpoint is a named pipe.</param>
    /// <param name="workingDirectory">The folder a relative unix socket path is read against; null for the process's.</param>
    public EngineEnvironment(Func<string, string?> getVariable, string homeDirectory, bool isWindows, string? workingDirectory = null)
    {
        _getVariable = getVariable ?? throw new ArgumentNullException(nameof(getVariable));
        HomeDirectory = homeDirectory ?? throw new ArgumentNullException(nameof(homeDirectory));
        IsWindows = isWindows;
        WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory;
    }

    /// <summary>The process's real environment.</summary>
    public static EngineEnvironment Current => ForWorkingDirectory(null);

    /// <summary>
    /// The process's real environment, with relative socket paths read against <paramref name="workingDirectory"/>:
    /// PowerShell's current location, which is not the process's current directory.
    /// </summary>
    public static EngineEnvironment ForWorkingDirectory(string? workingDirectory) => new(
        Environment.GetEnvironmentVariable,
        DockerCliConfig.HomeDirectory(Environment.GetEnvironmentVariable, RuntimeInformation.IsOSPlatform(OSPlatform.Windows)),
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows),
        workingDirectory);

    /// <summary>The folder a relative unix socket path (<c>unix://tmp/docker.sock</c>) is read against.</summary>
    public string WorkingDirectory { get; }

    /// <summary>The user's home folder.</summary>
    public string HomeDirectory { get; }

    /// <summary>True on Windows.</summary>
    public bool IsWindows { get; }

    /// <summary>An environment variable's value; null when it is unset or empty (the docker CLI treats both alike).</summary>
    public string? GetVariable(string name)
    {
        var value = _getVariable(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }
}

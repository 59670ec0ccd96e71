using System;

namespace ImgTrack.Engine;

/// <summary>Creates the engine client for an endpoint, resolved as the docker CLI resolves it.</summary>
public static class ImageEngineFactory
{
    /// <summary>
    /// Opens a client: <paramref name="dockerHost"/> when given, else <c>DOCKER_HOST</c>, else the Docker context
    /// (<c>DOCKER_CONTEXT</c> or <c>currentContext</c> in <c>~/.docker/config.json</c>), else the platform default.
    /// No connection is made until the first call.
    /// </summary>
    /// <exception cref="EngineConfigurationException">The settings name no usable endpoint, or TLS material is missing or unreadable.</exception>
    public static IImageEngine Create(string? dockerHost) => Create(EndpointResolver.Resolve(dockerHost), new EngineOptions());

    /// <summary>As <see cref="Create(string?)"/>, reading a relative unix socket path against <paramref name="workingDirectory"/>
    /// (PowerShell's current location).</summary>
    /// <exception cref="EngineConfigurationException">The settings name no usable endpoint, or TLS material is missing or unreadable.</exception>
    public static IImageEngine Create(string? dockerHost, string? workingDirectory) =>
        Create(dockerHost, workingDirectory, new EngineOptions());

    /// <summary>As <see cref="Create(string?, string?)"/>, with time limits.</summary>
    /// <exception cref="EngineConfigurationException">The settings name no usable endpoint, or TLS material is missing or unreadable.</exception>
    public static IImageEngine Create(string? dockerHost, string? workingDirectory, EngineOptions options) =>
        Create(EndpointResolver.Resolve(dockerHost, EngineEnvironment.ForWorkingDirectory(workingDirectory)), options);

    /// <summary>Opens a client for a resolved endpoint. No connection is made until the first call.</summary>
    /// <exception cref="EngineConfigurationException">TLS material is missing or unreadable.</exception>
    public static IImageEngine Create(EngineEndpoint endpoint, EngineOptions? options = null)
    {
        if (endpoint is null)
        {
            throw new ArgumentNullException(nameof(endpoint));
        }

        return new DockerImageEngine(endpoint, options ?? new EngineOptions());
    }
}

using System;

namespace ImgTrack.Engine;

// SKELETON: the engine-connection work fills this in.

/// <summary>Creates the engine client for an endpoint, resolved as the docker CLI resolves it.</summary>
public static class ImageEngineFactory
{
    /// <summary>
    /// Opens a client: <paramref name="dockerHost"/> when given, else <c>DOCKER_HOST</c>, else the Docker context
    /// (<c>DOCKER_CONTEXT</c> or <c>currentContext</c> in <c>~/.docker/config.json</c>), else the platform default.
    /// No connection is made until the first call.
    /// </summary>
    public static IImageEngine Create(string? dockerHost) => throw new NotImplementedException(dockerHost);
}

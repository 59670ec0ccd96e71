using System;

namespace ImgTrack.Cri;

/// <summary>A container runtime's CRI endpoint: a unix socket or a Windows named pipe, and where the setting came from.</summary>
public sealed class CriEndpoint
{
    /// <summary>Creates an endpoint.</summary>
    /// <param name="address">The endpoint as the user wrote it (or the default), for messages: <c>unix:///run/containerd/containerd.sock</c>.</param>
    /// <param name="isNamedPipe">True for a named pipe (<c>npipe://</c>), false for a unix socket.</param>
    /// <param name="path">The socket's file path, or the pipe's name.</param>
    /// <param name="pipeServer">The pipe's server (<c>.</c> for this machine); null for a socket.</param>
    /// <param name="source">Where the endpoint came from (-RuntimeEndpoint, CONTAINER_RUNTIME_ENDPOINT, the default).</param>
    public CriEndpoint(string address, bool isNamedPipe, string path, string? pipeServer, string source)
    {
        Address = address ?? throw new ArgumentNullException(nameof(address));
        IsNamedPipe = isNamedPipe;
        Path = path ?? throw new ArgumentNullException(nameof(path));
        PipeServer = pipeServer;
        Source = source ?? throw new ArgumentNullException(nameof(source));
    }

    /// <summary>The endpoint as written: <c>unix:///run/containerd/containerd.sock</c>, <c>npipe:////./pipe/containerd-containerd</c>.</summary>
    public string Address { get; }

    /// <summary>True for a Windows named pipe.</summary>
    public bool IsNamedPipe { get; }

    /// <summary>The unix socket's path, or the pipe's name (<c>containerd-containerd</c>).</summary>
    public string Path { get; }

    /// <summary>The pipe's server, <c>.</c> for this machine; null for a unix socket.</summary>
    public string? PipeServer { get; }

    /// <summary>Where the endpoint came from, in words for messages.</summary>
    public string Source { get; }

    /// <inheritdoc />
    public override string ToString() => Address;
}

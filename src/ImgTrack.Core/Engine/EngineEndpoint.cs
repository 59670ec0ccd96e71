using System;

namespace ImgTrack.Engine;

/// <summary>A resolved engine endpoint: where to connect, why there, and with which TLS material.</summary>
public sealed class EngineEndpoint
{
    /// <summary>Creates the endpoint.</summary>
    public EngineEndpoint(Uri address, string source, EngineTlsSettings? tls)
    {
        Address = address ?? throw new ArgumentNullException(nameof(address));
        Source = source ?? throw new ArgumentNullException(nameof(source));
        Tls = tls;
    }

    /// <summary>The address: <c>unix:///var/run/docker.sock</c>, <c>tcp://host:2376</c> or <c>npipe://./pipe/docker_engine</c>.</summary>
    public Uri Address { get; }

    /// <summary>Where the address came from, for messages: <c>DOCKER_HOST</c>, <c>Docker context 'x'</c>, ….</summary>
    public string Source { get; }

    /// <summary>TLS settings for a <c>tcp://</c> address; null for plain HTTP and for sockets and pipes.</summary>
    public EngineTlsSettings? Tls { get; }

    /// <summary>The address as the user would write it (<c>unix:///var/run/docker.sock</c>).</summary>
    public override string ToString() => Address.OriginalString;
}

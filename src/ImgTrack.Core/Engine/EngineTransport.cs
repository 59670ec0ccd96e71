using System;
using System.Net.Http;
using System.Threading;

namespace ImgTrack.Engine;

/// <summary>
/// The HTTP client for one engine endpoint. Every transport keeps connections alive and reuses them where it can:
/// <list type="bullet">
/// <item><c>unix://</c> and <c>npipe://</c> on .NET 5+ (PowerShell 7.4+): the platform's <c>SocketsHttpHandler</c>
/// connecting through the socket or pipe (<see cref="PooledHttpHandler"/>), pooled.</item>
/// <item><c>unix://</c> and <c>npipe://</c> on .NET Framework (Windows PowerShell 5.1): Docker.DotNet's transports,
/// one connection per request (<see cref="DockerDotNetTransport"/>); 5.1 has no pooling handler that can dial a pipe.</item>
/// <item><c>tcp://</c>, with or without TLS: the platform's <c>HttpClientHandler</c> (pooled on every runtime: it is
/// <c>SocketsHttpHandler</c> on .NET Core), with the docker CLI's TLS checks (<see cref="TlsAuthProvider"/>).</item>
/// </list>
/// Requests go to unversioned paths (every engine answers them at its own API version).
/// </summary>
internal static class EngineTransport
{
    /// <summary>Set to <c>legacy</c> to use Docker.DotNet's transports for sockets and pipes on .NET 5+ too, so Windows
    /// PowerShell 5.1's branch runs in the tests where 5.1 cannot (as IMGTRACK_FORCE_LOADFROM does for loading).</summary>
    internal const string TransportVariable = "IMGTRACK_ENGINE_TRANSPORT";

    // The host part of requests over a socket or pipe, where there is no host; the engine ignores it.
    private static readonly Uri s_localBase = new("http://docker/");

    /// <summary>True when sockets and pipes use the pooled handler here.</summary>
    public static bool PoolsLocalConnections =>
        PooledHttpHandler.IsAvailable && !string.Equals(Environment.GetEnvironmentVariable(TransportVariable), "legacy", StringComparison.OrdinalIgnoreCase);

    /// <summary>Creates the client; no connection is made until the first request.</summary>
    public static HttpClient Create(EngineEndpoint endpoint, TlsAuthProvider? tls)
    {
        var address = endpoint.Address;
        HttpMessageHandler handler;
        Uri baseAddress;
        switch (address.Scheme)
        {
            case "unix" when PoolsLocalConnections:
                var socketPath = address.LocalPath;
                handler = PooledHttpHandler.Create(token => EngineStreams.ConnectUnixSocketAsync(socketPath, token));
                baseAddress = s_localBase;
                break;
            case "npipe" when PoolsLocalConnections:
                handler = PooledHttpHandler.Create(token => EngineStreams.ConnectNamedPipeAsync(address, token));
                baseAddress = s_localBase;
                break;
            case "unix":
            case "npipe":
                (handler, baseAddress) = DockerDotNetTransport.Create(address);
                break;
            default:
                var http = new HttpClientHandler { UseProxy = false, AllowAutoRedirect = false };
                handler = tls is null ? http : tls.ConfigureHandler(http);
                baseAddress = new UriBuilder(tls is null ? Uri.UriSchemeHttp : Uri.UriSchemeHttps, address.Host, address.Port, "/").Uri;
                break;
        }

        // Our own time limits bound every request (DockerImageEngine.CallAsync); HttpClient's 100 s default must not cut a
        // longer -TimeoutSec short.
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }
}

using System;
using System.Net.Http;
using Docker.DotNet.Handler.Abstractions;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImgTrack.Engine;

/// <summary>
/// Docker.DotNet's unix socket and named pipe transports (its <c>ManagedHandler</c>, one connection per request), for
/// runtimes without <c>SocketsHttpHandler.ConnectCallback</c>: Windows PowerShell 5.1. Kept in a class of its own so
/// that PowerShell 7 never loads Docker.DotNet's transport assemblies (it loads Docker.DotNet.dll itself, for the models
/// the answers are read into: <see cref="EngineAnswers"/>).
/// </summary>
/// <remarks>
/// <see cref="ResolvedClientOptions"/>' init-only setters have different signatures in the package's netstandard2.0 and
/// net8+ builds, so this works with the netstandard2.0 build the module stages (Windows PowerShell 5.1, or PowerShell 7
/// with IMGTRACK_ENGINE_TRANSPORT=legacy), not in a test host that resolves the net8+ build.
/// </remarks>
internal static class DockerDotNetTransport
{
    /// <summary>The handler and base address for a <c>unix://</c> or <c>npipe://</c> address.</summary>
    public static (HttpMessageHandler Handler, Uri BaseAddress) Create(Uri address)
    {
        var options = new ResolvedClientOptions { Endpoint = address, AuthProvider = NoopAuthProvider.Instance };
        var transport = address.Scheme == "unix"
            ? Docker.DotNet.Unix.DockerHandlerFactory.Instance.CreateHandler(new Docker.DotNet.Unix.UnixSocketTransportOptions(), options, NullLogger.Instance)
            : Docker.DotNet.NPipe.DockerHandlerFactory.Instance.CreateHandler(new Docker.DotNet.NPipe.NPipeTransportOptions(), options, NullLogger.Instance);
        var baseAddress = transport.EffectiveEndpoint;
        return (transport.Handler, baseAddress.AbsolutePath.EndsWith("/", StringComparison.Ordinal) ? baseAddress : new Uri(baseAddress, "/"));
    }
}

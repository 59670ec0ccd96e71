using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Net.Client;
using ImgTrack.Engine;
using ImgTrack.Text;

namespace ImgTrack.Cri;

/// <summary>
/// The gRPC channel to a runtime's CRI endpoint: HTTP/2 over the unix socket or named pipe, through the platform's
/// pooling <c>SocketsHttpHandler</c> (made by reflection, see <see cref="PooledHttpHandler"/>) with a connect callback to
/// the endpoint, wrapped in <see cref="Http2PriorKnowledgeHandler"/>, which makes every request HTTP/2.
/// </summary>
internal static class CriChannel
{
    // The kubelet's own limit for CRI answers (pkg/kubelet/cri/remote: maxMsgSize): a node with thousands of images
    // answers ListImages with more than gRPC's default 4 MB.
    private const int MaxMessageBytes = 16 * 1024 * 1024;

    // The request's host part; a socket or pipe has none, and the runtime ignores it.
    private const string LocalAddress = "http://localhost";

    /// <summary>True where this runtime can speak gRPC to a local socket or pipe (.NET 5 and later: PowerShell 7).</summary>
    public static bool IsSupported => PooledHttpHandler.IsAvailable && Http2PriorKnowledgeHandler.CanRequireHttp2;

    /// <summary>The connection opener for an endpoint.</summary>
    public static Func<CancellationToken, Task<Stream>> Connector(CriEndpoint endpoint) => endpoint.IsNamedPipe
        ? token => EngineStreams.ConnectNamedPipeAsync(endpoint.PipeServer ?? ".", endpoint.Path, token)
        : token => EngineStreams.ConnectUnixSocketAsync(endpoint.Path, token);

    /// <summary>A channel whose connections are opened by <paramref name="connect"/>; no connection is made until the first call.</summary>
    /// <exception cref="CriException">This runtime has no HTTP/2 client that can dial a socket or pipe (Windows PowerShell 5.1).</exception>
    public static GrpcChannel Create(Func<CancellationToken, Task<Stream>> connect)
    {
        if (!IsSupported)
        {
            // .NET Framework's HttpClientHandler refuses HTTP/2 requests, and WinHttpHandler, which speaks HTTP/2, has no
            // connect callback, so it cannot dial a named pipe.
            throw new CriException(CriFailure.CriRequiresPowerShell7, MessageText.Format(CriMessages.RequiresPowerShell7, Environment.Version));
        }

        HttpMessageHandler handler = new Http2PriorKnowledgeHandler(PooledHttpHandler.Create(connect));
        try
        {
            return GrpcChannel.ForAddress(LocalAddress, new GrpcChannelOptions
            {
                HttpHandler = handler,
                DisposeHttpClient = true,
                MaxReceiveMessageSize = MaxMessageBytes,

                // ThrowOperationCanceledOnCancellation stays off: it would turn an exceeded deadline into an
                // OperationCanceledException too, indistinguishable from Ctrl+C (CriImageSource tells them apart).
            });
        }
        catch
        {
            handler.Dispose();
            throw;
        }
    }
}

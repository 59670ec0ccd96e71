using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;

namespace ImgTrack.Cri;

/// <summary>
/// Makes each gRPC request go out as HTTP/2 over a plain (unencrypted) socket or pipe, and hands the response's trailers
/// to the gRPC client: what Grpc.Net.Client's netstandard2.0 build, the one the module ships, leaves undone.
/// </summary>
/// <remarks>
/// A runtime's CRI socket speaks HTTP/2 without TLS, so the client must start with HTTP/2 at once ("prior knowledge");
/// there is no TLS handshake to negotiate it. .NET's SocketsHttpHandler does that for an <c>http://</c> request only when
/// the request's version is 2.0 AND its <c>VersionPolicy</c> is <c>RequestVersionExact</c>; otherwise it falls back to
/// HTTP/1.1, which containerd answers by resetting the connection. The netstandard2.0 build of Grpc.Net.Client cannot
/// name <c>VersionPolicy</c> (it arrived in .NET 5), and neither the AppContext switch <c>Http2UnencryptedSupport</c> nor
/// <c>HttpClient.DefaultVersionPolicy</c> changes that on .NET 10, so this handler sets the property by reflection.
/// The same build reads a call's trailers (where gRPC puts <c>grpc-status</c>) only from the request property
/// <c>__ResponseTrailers</c>, WinHttpHandler's convention, never from <c>HttpResponseMessage.TrailingHeaders</c>; without
/// them every call ends "No grpc-status found on response". So the response's trailer collection, which the platform
/// fills when the trailers arrive after the body, is put into that property as soon as the response starts. Where a
/// member does not exist (.NET Framework) the step is skipped; where Grpc.Net.Client's own net8 build runs, it already
/// does both and these are harmless.
/// </remarks>
internal sealed class Http2PriorKnowledgeHandler : DelegatingHandler
{
    private const string ResponseTrailersKey = "__ResponseTrailers";

    private static readonly Version s_http2 = new(2, 0);
    private static readonly PropertyInfo? s_versionPolicy = typeof(HttpRequestMessage).GetProperty("VersionPolicy");
    private static readonly object? s_requestVersionExact = s_versionPolicy is null ? null : Enum.Parse(s_versionPolicy.PropertyType, "RequestVersionExact");
    private static readonly PropertyInfo? s_trailingHeaders = typeof(HttpResponseMessage).GetProperty("TrailingHeaders");

    /// <summary>Wraps the handler that opens the connections.</summary>
    public Http2PriorKnowledgeHandler(HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
    }

    /// <summary>True where requests can be made HTTP/2-only (.NET 5 and later).</summary>
    public static bool CanRequireHttp2 => s_versionPolicy is not null;

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Version = s_http2;
        s_versionPolicy?.SetValue(request, s_requestVersionExact);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (s_trailingHeaders?.GetValue(response) is HttpHeaders trailers)
        {
            request.Properties[ResponseTrailersKey] = trailers;
        }

        return response;
    }
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ImgTrack.Core.Tests.Registry;

/// <summary>Counts the requests a resolver sends that got an answer (a TLS attempt on a plain port gets none), with their Authorization scheme.</summary>
internal sealed class CountingHandler : DelegatingHandler
{
    public CountingHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    public ConcurrentQueue<(string Method, Uri Uri, string? Authorization, int Status)> Answered { get; } = new();

    public int GetsOf(string path) => Answered.Count(a => a.Method == "GET" && a.Uri.AbsolutePath.Contains(path, StringComparison.Ordinal));

    public IReadOnlyList<string> Lines => Answered.Select(a => $"{a.Method} {a.Uri.PathAndQuery} {a.Status} {a.Authorization}").ToList();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        Answered.Enqueue((request.Method.Method, request.RequestUri!, request.Headers.Authorization?.Scheme, (int)response.StatusCode));
        return response;
    }
}

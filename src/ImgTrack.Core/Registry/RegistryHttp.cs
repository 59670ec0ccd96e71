using System;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;
using ImgTrack.Network;
using ImgTrack.Text;

namespace ImgTrack.Registry;

/// <summary>
/// One GET of registry content, answered 2xx: the scheme (HTTPS, then plain HTTP once per registry where allowed),
/// the auth challenge (through <see cref="TokenClient"/>), retries under <see cref="RetryPolicy"/>, and redirects
/// that never carry credentials elsewhere. Every other answer becomes a classified <see cref="RegistryException"/>.
/// </summary>
internal sealed class RegistryHttp
{
    private const int MaxRedirects = 5;

    private readonly RegistryClients _clients;
    private readonly TokenClient _tokens;
    private readonly RetryPolicy _retry;

    public RegistryHttp(RegistryClients clients, TokenClient tokens, RetryPolicy retry)
    {
        _clients = clients;
        _tokens = tokens;
        _retry = retry;
    }

    /// <summary>
    /// GET <c>/v2/&lt;repository&gt;/&lt;path&gt;</c>, its body read within <paramref name="maxBytes"/>.
    /// </summary>
    public async Task<RegistryAnswer> GetAsync(
        RegistryState state, string repository, string path, string reference, string[]? accept, int maxBytes, bool blob, NameContext context)
    {
        var registry = state.Endpoint.Registry;
        var scope = "repository:" + repository + ":pull";
        var retries = 0;
        var challenged = false;
        AuthenticationHeaderValue? authorization = null;
        while (true)
        {
            if (state.Unreachable is { } unreachable)
            {
                throw RegistryFailures.NotAskedAgain(state, unreachable);
            }

            _clients.RequireUsableCertificates(state);
            var probing = false;
            if (state.Scheme == RegistryState.SchemeUnknown)
            {
                await state.Probe.WaitAsync(context.Token).ConfigureAwait(false);
                probing = state.Scheme == RegistryState.SchemeUnknown;
                if (!probing)
                {
                    state.Probe.Release();
                }
            }

            var baseUri = state.BaseUri;
            var https = baseUri.Scheme == Uri.UriSchemeHttps;
            var target = new Uri(baseUri, "v2/" + repository + "/" + path);
            HttpResponseMessage response;
            try
            {
                authorization = await _tokens.AuthorizationAsync(state, scope, context).ConfigureAwait(false);
                response = await SendFollowingRedirectsAsync(state, target, accept, authorization, blob, reference, context).ConfigureAwait(false);
                if (probing)
                {
                    state.Scheme = https ? RegistryState.SchemeHttps : RegistryState.SchemeHttp;
                }
            }
            catch (Exception e) when (TransportFailure.Is(e) && !context.Token.IsCancellationRequested)
            {
                var reason = _clients.TransportReason(state, e);
                if (https && state.Endpoint.PlainHttpAllowed && state.Scheme != RegistryState.SchemeHttp)
                {
                    // As Docker does for loopback and insecure registries: plain HTTP after HTTPS fails, once per run.
                    state.HttpsFailure = reason;
                    state.Scheme = RegistryState.SchemeHttp;
                    continue;
                }

                if (probing)
                {
                    state.Scheme = RegistryState.SchemeHttps;
                    state.Probe.Release();
                    probing = false;
                }

                if (await _retry.WaitAsync(retries, null, context).ConfigureAwait(false))
                {
                    retries++;
                    continue;
                }

                var failure = new RegistryException(
                    RegistryError.RegistryUnavailable,
                    registry,
                    MessageText.Format(RegistryMessages.Unreachable, registry, baseUri.GetLeftPart(UriPartial.Authority), reason) + RetryPolicy.Note(retries, context),
                    null,
                    e);
                state.Unreachable ??= failure;
                throw failure;
            }
            catch (OperationCanceledException e) when (context.TimedOut)
            {
                throw RegistryFailures.NoAnswer(state, registry, context, e);
            }
            finally
            {
                if (probing)
                {
                    state.Probe.Release();
                }
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (status is >= 200 and < 300)
                {
                    var body = await ResponseBodies.ReadAsync(response, maxBytes, state, repository, reference, context).ConfigureAwait(false);
                    return new RegistryAnswer(
                        body,
                        response.Content.Headers.ContentType?.MediaType,
                        response.Headers.TryGetValues("Docker-Content-Digest", out var digests) ? digests.FirstOrDefault()?.Trim() : null);
                }

                var words = await ResponseBodies.WordsAsync(response, context).ConfigureAwait(false);
                switch (status)
                {
                    case 401 when !challenged:
                        challenged = true;
                        await _tokens.AuthenticateAsync(state, repository, scope, response, words, authorization, context).ConfigureAwait(false);
                        continue;
                    case 401:
                    case 403:
                        throw new RegistryException(RegistryError.RegistryUnauthorized, registry, MessageText.Format(RegistryMessages.Unauthorized, registry, repository, scope, status, RegistryFailures.Words(words)), status) { Scope = scope };
                    case 404:
                        throw new RegistryException(RegistryError.ManifestNotFound, registry, MessageText.Format(RegistryMessages.ManifestNotFound, registry, reference, repository, RegistryFailures.Words(words)), status);
                    case 429:
                    case >= 500 and <= 599:
                        if (await _retry.WaitAsync(retries, response.Headers.RetryAfter, context).ConfigureAwait(false))
                        {
                            retries++;
                            continue;
                        }

                        throw new RegistryException(
                            RegistryError.RegistryUnavailable,
                            registry,
                            MessageText.Format(RegistryMessages.UnavailableStatus, registry, reference, repository, status, RegistryFailures.Words(words), RetryPolicy.Note(retries, context)),
                            status);
                    default:
                        var note = state.Scheme == RegistryState.SchemeHttp && state.HttpsFailure is not null
                            ? MessageText.Format(RegistryMessages.HttpsFailedFirst, state.HttpsFailure)
                            : string.Empty;
                        throw new RegistryException(
                            RegistryError.RegistryUnavailable,
                            registry,
                            MessageText.Format(RegistryMessages.UnavailableStatus, registry, reference, repository, status, RegistryFailures.Words(words), note),
                            status);
                }
            }
        }
    }

    private static bool SameOrigin(Uri left, Uri right) =>
        string.Equals(left.Scheme, right.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(left.Host, right.Host, StringComparison.OrdinalIgnoreCase)
        && left.Port == right.Port;

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(
        RegistryState state, Uri target, string[]? accept, AuthenticationHeaderValue? authorization, bool blob, string reference, NameContext context)
    {
        var registryOrigin = state.BaseUri;
        var uri = target;
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (accept is not null)
            {
                foreach (var type in accept)
                {
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
                }
            }

            // The token and Basic credentials go to the registry itself only, never to storage it redirects to.
            if (authorization is not null && SameOrigin(uri, registryOrigin))
            {
                request.Headers.Authorization = authorization;
            }

            var response = await _clients.For(state).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is null)
            {
                return response;
            }

            var next = response.Headers.Location.IsAbsoluteUri ? response.Headers.Location : new Uri(uri, response.Headers.Location);
            response.Dispose();
            var sameOrigin = SameOrigin(next, registryOrigin);
            var downgrade = uri.Scheme == Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttps && !RegistryEndpoint.IsLoopbackHost(next.Host);
            if ((!sameOrigin && !blob) || downgrade || (next.Scheme != Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttp))
            {
                // Manifests come from the registry itself; a blob may live in storage elsewhere, reached without our credentials.
                throw new RegistryException(
                    RegistryError.RegistryUnavailable,
                    state.Endpoint.Registry,
                    MessageText.Format(RegistryMessages.RedirectRefused, state.Endpoint.Registry, reference, ServerText.Quote(next.GetLeftPart(UriPartial.Authority))),
                    status);
            }

            uri = next;
        }

        throw new RegistryException(
            RegistryError.RegistryUnavailable,
            state.Endpoint.Registry,
            MessageText.Format(RegistryMessages.TooManyRedirects, state.Endpoint.Registry, reference, MaxRedirects));
    }
}

/// <summary>A 2xx answer: its body, media type and <c>Docker-Content-Digest</c> (null when absent).</summary>
internal sealed class RegistryAnswer
{
    public RegistryAnswer(byte[] body, string? contentType, string? digestHeader)
    {
        Body = body;
        ContentType = contentType;
        DigestHeader = string.IsNullOrEmpty(digestHeader) ? null : digestHeader;
    }

    public byte[] Body { get; }

    public string? ContentType { get; }

    public string? DigestHeader { get; }
}

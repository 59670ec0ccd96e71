using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Concurrency;
using ImgTrack.Network;
using ImgTrack.Text;

namespace ImgTrack.Registry;

/// <summary>
/// Authentication against a registry: its challenge, Basic credentials, and access tokens from its token service
/// (distribution's token spec), one per repository scope per run, asked again only when expired or refused.
/// </summary>
internal sealed class TokenClient
{
    private readonly RegistryClients _clients;
    private readonly RetryPolicy _retry;
    private readonly IRegistryCredentialProvider? _credentials;

    public TokenClient(RegistryClients clients, RetryPolicy retry, IRegistryCredentialProvider? credentials)
    {
        _clients = clients;
        _retry = retry;
        _credentials = credentials;
    }

    /// <summary>The registry's credential, waited for within the name's time. A lookup (a credential helper) that
    /// outlasts it fails the name naming the lookup as what was slow, not the registry.</summary>
    public async Task<RegistryCredential?> CredentialAsync(RegistryState state, NameContext context)
    {
        try
        {
            return await state.CredentialAsync(context.Caller).WaitOrCancelAsync(context.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!context.Caller.IsCancellationRequested)
        {
            var source = (_credentials as IDescribedCredentialProvider)?.Describe(state.Endpoint.Registry) ?? RegistryMessages.CredentialLookup;
            throw RegistryFailures.CredentialNoAnswer(state, source, context, e);
        }
    }

    /// <summary>What to send up front: Basic once the registry asked for it, or the scope's token once there is one
    /// (fetched now, without a challenge, when the registry's token service is already known).</summary>
    public async Task<AuthenticationHeaderValue?> AuthorizationAsync(RegistryState state, string scope, NameContext context)
    {
        if (state.Basic)
        {
            var credential = await CredentialAsync(state, context).ConfigureAwait(false);
            return credential?.Password is null ? null : BasicHeader(credential);
        }

        if (state.Bearer is null)
        {
            return null;
        }

        var token = await TokenAsync(state, scope, context).ConfigureAwait(false);
        return new AuthenticationHeaderValue("Bearer", token.Value);
    }

    /// <summary>Answers a 401: learns the challenge, and gets what the next attempt sends (a token, or Basic).</summary>
    public async Task AuthenticateAsync(
        RegistryState state, string repository, string scope, HttpResponseMessage response, string? words, AuthenticationHeaderValue? sent, NameContext context)
    {
        var registry = state.Endpoint.Registry;
        var challenges = AuthChallenge.Parse(response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        var bearer = challenges.FirstOrDefault(c => c.IsBearer && !string.IsNullOrEmpty(c["realm"]));
        if (bearer is not null)
        {
            // A token that was sent and refused is stale (expired early, or revoked): ask for a new one, once. Names
            // that were refused anonymously meanwhile keep the token another name just got.
            if (sent is { Scheme: "Bearer" } && state.Tokens.TryGetValue(scope, out var old)
                && old.IsValueCreated && old.Value.Status == TaskStatus.RanToCompletion && old.Value.Result.Value == sent.Parameter)
            {
                Forget(state, scope, old);
            }

            state.Bearer = bearer;
            await TokenAsync(state, scope, context).ConfigureAwait(false);
            return;
        }

        if (challenges.Any(c => c.IsBasic))
        {
            var credential = await CredentialAsync(state, context).ConfigureAwait(false);
            if (credential?.Password is null)
            {
                throw new RegistryException(RegistryError.RegistryUnauthorized, registry, MessageText.Format(RegistryMessages.NeedsCredentials, registry, "Basic", repository, scope), 401) { Scope = scope };
            }

            state.Basic = true;
            return;
        }

        throw new RegistryException(RegistryError.RegistryUnauthorized, registry, MessageText.Format(RegistryMessages.Unauthorized, registry, repository, scope, 401, RegistryFailures.Words(words)), 401) { Scope = scope };
    }

    private static AuthenticationHeaderValue BasicHeader(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.UserName + ":" + credential.Password)));

    private static void Forget(RegistryState state, string scope, Lazy<Task<BearerToken>> entry) =>
        ((ICollection<KeyValuePair<string, Lazy<Task<BearerToken>>>>)state.Tokens).Remove(new KeyValuePair<string, Lazy<Task<BearerToken>>>(scope, entry));

    private Task<BearerToken> TokenAsync(RegistryState state, string scope, NameContext context)
    {
        while (true)
        {
            var entry = state.Tokens.GetOrAdd(scope, _ => new Lazy<Task<BearerToken>>(() => FetchTokenAsync(state, scope, context), LazyThreadSafetyMode.ExecutionAndPublication));
            var task = entry.Value;
            if (task.Status == TaskStatus.RanToCompletion && task.Result.Expired)
            {
                Forget(state, scope, entry);
                continue;
            }

            if (task.IsCanceled || task.IsFaulted)
            {
                // Refused or failed token requests are not kept: each name reports its own error.
                Forget(state, scope, entry);
            }

            return task;
        }
    }

    /// <summary>
    /// The token request (distribution's token spec): GET realm?service=…&amp;scope=… with Basic credentials when there
    /// are any, or with an identity token the OAuth2 form POST (grant_type=refresh_token). Credentials go only to the
    /// realm the registry's own challenge named, and only over HTTPS or to loopback.
    /// </summary>
    private async Task<BearerToken> FetchTokenAsync(RegistryState state, string scope, NameContext context)
    {
        var registry = state.Endpoint.Registry;
        var challenge = state.Bearer!;
        var realmText = challenge["realm"]!;
        if (!Uri.TryCreate(realmText, UriKind.Absolute, out var realm)
            || !(realm.Scheme == Uri.UriSchemeHttps || (realm.Scheme == Uri.UriSchemeHttp && RegistryEndpoint.IsLoopbackHost(realm.Host))))
        {
            throw new RegistryException(RegistryError.RegistryUnauthorized, registry, MessageText.Format(RegistryMessages.RealmNotHttps, registry, ServerText.Quote(realmText))) { Scope = scope };
        }

        var service = challenge["service"];
        var credential = await CredentialAsync(state, context).ConfigureAwait(false);
        var retries = 0;
        while (true)
        {
            using var request = BuildTokenRequest(realm, service, scope, credential);
            HttpResponseMessage response;
            try
            {
                response = await _clients.For(state).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (TransportFailure.Is(e) && !context.Token.IsCancellationRequested)
            {
                if (await _retry.WaitAsync(retries, null, context).ConfigureAwait(false))
                {
                    retries++;
                    continue;
                }

                throw new RegistryException(RegistryError.RegistryUnavailable, registry, MessageText.Format(RegistryMessages.Unreachable, registry, realm.GetLeftPart(UriPartial.Authority), _clients.TransportReason(state, e)) + RetryPolicy.Note(retries, context), null, e);
            }
            catch (OperationCanceledException e) when (context.TimedOut)
            {
                throw RegistryFailures.NoAnswer(state, realm.GetLeftPart(UriPartial.Authority), context, e);
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (status is 429 or (>= 500 and <= 599) && await _retry.WaitAsync(retries, response.Headers.RetryAfter, context).ConfigureAwait(false))
                {
                    retries++;
                    continue;
                }

                if (status is < 200 or >= 300)
                {
                    var words = await ResponseBodies.WordsAsync(response, context).ConfigureAwait(false);
                    var error = status is 401 or 403 ? RegistryError.RegistryUnauthorized : RegistryError.RegistryUnavailable;
                    throw new RegistryException(error, registry, MessageText.Format(RegistryMessages.TokenRefused, realm.GetLeftPart(UriPartial.Path), registry, scope, status, RegistryFailures.Words(words)) + RetryPolicy.Note(retries, context), status) { Scope = scope };
                }

                var body = await ResponseBodies.ReadAsync(response, ResponseBodies.MaxErrorBytes, state, scope, realmText, context).ConfigureAwait(false);
                return ParseToken(body, realm, registry, scope);
            }
        }
    }

    private static HttpRequestMessage BuildTokenRequest(Uri realm, string? service, string scope, RegistryCredential? credential)
    {
        if (credential?.IdentityToken is { } refreshToken)
        {
            var form = new List<KeyValuePair<string, string>>
            {
                new("grant_type", "refresh_token"),
                new("refresh_token", refreshToken),
                new("client_id", "imgtrack"),
                new("scope", scope),
            };
            if (!string.IsNullOrEmpty(service))
            {
                form.Add(new("service", service!));
            }

            return new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
        }

        var query = new StringBuilder(realm.Query.Length > 1 ? realm.Query.Substring(1) + "&" : string.Empty);
        if (!string.IsNullOrEmpty(service))
        {
            query.Append("service=").Append(Uri.EscapeDataString(service!)).Append('&');
        }

        query.Append("scope=").Append(Uri.EscapeDataString(scope));
        var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(realm) { Query = query.ToString() }.Uri);
        if (credential?.Password is not null)
        {
            request.Headers.Authorization = BasicHeader(credential);
        }

        return request;
    }

    private static BearerToken ParseToken(byte[] body, Uri realm, string registry, string scope)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            string? token = null;
            if (root.ValueKind == JsonValueKind.Object)
            {
                foreach (var name in new[] { "token", "access_token" })
                {
                    if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(value.GetString()))
                    {
                        token = value.GetString();
                        break;
                    }
                }
            }

            if (token is not null)
            {
                // The token spec's default lifetime is 60 seconds when the service names none.
                var seconds = root.TryGetProperty("expires_in", out var expires) && expires.ValueKind == JsonValueKind.Number && expires.TryGetInt32(out var s) && s > 0 ? s : 60;
                return new BearerToken(token, TimeSpan.FromSeconds(seconds));
            }
        }
        catch (JsonException)
        {
            // Reported below, without the body (it may hold a secret).
        }

        throw new RegistryException(RegistryError.RegistryUnauthorized, registry, MessageText.Format(RegistryMessages.TokenMissing, realm.GetLeftPart(UriPartial.Path), registry, scope)) { Scope = scope };
    }
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using ImgTrack.Network;
using ImgTrack.Text;

namespace ImgTrack.Registry;

/// <summary>
/// The HTTP clients of one run and their TLS: one shared client, and one per registry whose certs.d folder holds client
/// certificates; server certificates checked by <see cref="CertificateTrust"/>; and why a connection failed, in words
/// an administrator can act on.
/// </summary>
internal sealed class RegistryClients : IDisposable
{
    private static readonly string s_userAgent = "ImgTrack/" + (typeof(RegistryClients).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0");

    private readonly RegistryOptions _options;
    private readonly CertificateTrust _trust;
    private readonly Func<HttpMessageHandler, HttpMessageHandler>? _wrap;
    private readonly HttpClient _shared;
    private readonly ConcurrentDictionary<string, Lazy<HttpClient>> _mutualTls = new(StringComparer.OrdinalIgnoreCase);

    public RegistryClients(RegistryOptions options, Func<HttpMessageHandler, HttpMessageHandler>? wrap)
    {
        _options = options;
        _trust = new CertificateTrust(options.CertificatesDirectory);
        _wrap = wrap;
        _shared = Create(Array.Empty<X509Certificate2>());
    }

    /// <summary>The client for <paramref name="state"/>'s requests (the registry's own, its token service's and the
    /// storage it redirects to, as dockerd uses one TLS setup for all three): one of its own when its certs.d folder holds
    /// client certificates, since a handler presents what it holds to every server that asks; else the shared one.</summary>
    public HttpClient For(RegistryState state)
    {
        var certificates = _trust.CertificatesFor(state.Endpoint.Authority);
        if (certificates.ClientCertificates.Count == 0)
        {
            return _shared;
        }

        return _mutualTls.GetOrAdd(
            state.Endpoint.Authority,
            _ => new Lazy<HttpClient>(() => Create(certificates.ClientCertificates), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    /// <summary>A certs.d folder that cannot be used (half a client pair, an unreadable file) fails the registry once for
    /// the run, before any request: with it, the registry would be asked without what the administrator put there.</summary>
    public void RequireUsableCertificates(RegistryState state)
    {
        var certificates = _trust.CertificatesFor(state.Endpoint.Authority);
        if (certificates.Problem is { } problem)
        {
            var registry = state.Endpoint.Registry;
            var failure = new RegistryException(RegistryError.RegistryUnavailable, registry, MessageText.Format(RegistryMessages.CertificatesFolderUnusable, registry, certificates.Folder, problem));
            state.Unreachable ??= failure;
            throw failure;
        }
    }

    /// <summary>Why a connection to <paramref name="state"/>'s registry failed: the certificate rejection when there was
    /// one, else the innermost error, with a hint where a client certificate seems missing.</summary>
    public string TransportReason(RegistryState state, Exception error)
    {
        var authority = state.Endpoint.Authority;
        if (_trust.Rejections.TryRemove(authority, out var rejection))
        {
            return MessageText.Format(RegistryMessages.CertificateRejected, rejection, Path.Combine(_options.CertificatesDirectory, authority));
        }

        var innermost = TransportFailure.Innermost(error);
        var reason = innermost.Message.TrimEnd('.') + ".";
        if (RefusedWithoutClientCertificate(authority, innermost))
        {
            reason += MessageText.Format(RegistryMessages.ClientCertificateHint, _trust.CertificatesFor(authority).Folder);
        }

        return state.HttpsFailure is { } first && state.Scheme == RegistryState.SchemeHttp
            ? reason + MessageText.Format(RegistryMessages.HttpsFailedFirst, first)
            : reason;
    }

    public void Dispose()
    {
        _shared.Dispose();
        foreach (var client in _mutualTls.Values)
        {
            if (client.IsValueCreated)
            {
                client.Value.Dispose();
            }
        }
    }

    // A server that wants a client certificate ends the handshake with a TLS alert (bad_certificate, or TLS 1.3's
    // certificate_required), which OpenSSL words as "... alert bad certificate" or "... alert certificate required". The
    // hint is only a hint: other TLS stacks (Windows' SChannel) word it otherwise, and then the reason stands alone.
    private bool RefusedWithoutClientCertificate(string authority, Exception innermost) =>
        _trust.CertificatesFor(authority).ClientCertificates.Count == 0
        && innermost.Message.IndexOf("alert", StringComparison.OrdinalIgnoreCase) >= 0
        && innermost.Message.IndexOf("certificate", StringComparison.OrdinalIgnoreCase) >= 0;

    private HttpClient Create(IReadOnlyList<X509Certificate2> clientCertificates)
    {
        var handler = new HttpClientHandler
        {
            // Redirects are followed by RegistryHttp, so that credentials never follow one to another host.
            AllowAutoRedirect = false,
            UseCookies = false,
            ServerCertificateCustomValidationCallback = _trust.Validate,
        };
        if (clientCertificates.Count > 0)
        {
            handler.ClientCertificateOptions = ClientCertificateOption.Manual;
            foreach (var certificate in clientCertificates)
            {
                handler.ClientCertificates.Add(certificate);
            }
        }

        var client = new HttpClient(_wrap is null ? handler : _wrap(handler), disposeHandler: true)
        {
            // Every request is bounded by the name's own deadline and the caller's token instead.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(s_userAgent);
        return client;
    }
}

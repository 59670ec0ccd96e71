using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace ImgTrack.Registry;

/// <summary>What one resolver has learnt about one registry in this run: scheme, credentials, challenge, tokens.</summary>
internal sealed class RegistryState
{
    public const int SchemeUnknown = 0;
    public const int SchemeHttps = 1;
    public const int SchemeHttp = 2;

    private readonly Lazy<Task<RegistryCredential?>> _credential;
    private int _scheme;

    public RegistryState(RegistryEndpoint endpoint, Func<Task<RegistryCredential?>> credential)
    {
        Endpoint = endpoint;
        _credential = new Lazy<Task<RegistryCredential?>>(credential, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public RegistryEndpoint Endpoint { get; }

    /// <summary>Held by the request that finds out which scheme the registry speaks, so only one probes.</summary>
    public SemaphoreSlim Probe { get; } = new(1, 1);

    public int Scheme
    {
        get => Volatile.Read(ref _scheme);
        set => Volatile.Write(ref _scheme, value);
    }

    /// <summary>Why HTTPS failed before plain HTTP was tried, for messages.</summary>
    public string? HttpsFailure { get; set; }

    /// <summary>Set once the registry could not be reached at all: later names fail at once with it.</summary>
    public RegistryException? Unreachable { get; set; }

    /// <summary>The last Bearer challenge: later repositories get their token without a challenge of their own.</summary>
    public AuthChallenge? Bearer { get; set; }

    /// <summary>True once the registry asked for Basic auth (and a credential exists): it is sent up front from then on.</summary>
    public bool Basic { get; set; }

    /// <summary>Tokens by scope, each asked for once per run (again only when expired or refused).</summary>
    public ConcurrentDictionary<string, Lazy<Task<BearerToken>>> Tokens { get; } = new(StringComparer.Ordinal);

    public Task<RegistryCredential?> CredentialAsync() => _credential.Value;

    public Uri BaseUri => Endpoint.BaseUri(Scheme != SchemeHttp);
}

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

    private readonly Func<CancellationToken, Task<RegistryCredential?>> _lookUp;
    private readonly object _credentialLock = new();
    private Task<RegistryCredential?>? _credential;
    private int _scheme;

    public RegistryState(RegistryEndpoint endpoint, Func<CancellationToken, Task<RegistryCredential?>> lookUp)
    {
        Endpoint = endpoint;
        _lookUp = lookUp;
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

    /// <summary>The registry's credential, looked up once per run under the first asker's token; a lookup that the
    /// caller cancelled is begun again by the next asker.</summary>
    public Task<RegistryCredential?> CredentialAsync(CancellationToken caller)
    {
        lock (_credentialLock)
        {
            if (_credential is null || (_credential.IsCanceled && !caller.IsCancellationRequested))
            {
                _credential = _lookUp(caller);
            }

            return _credential;
        }
    }

    public Uri BaseUri => Endpoint.BaseUri(Scheme != SchemeHttp);
}

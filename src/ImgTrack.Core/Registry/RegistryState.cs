using System;
using System.Collections.Concurrent;
using System.Diagnostics;
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

/// <summary>An access token and when to stop using it.</summary>
internal sealed class BearerToken
{
    private readonly Stopwatch _age = Stopwatch.StartNew();
    private readonly TimeSpan _lifetime;

    public BearerToken(string value, TimeSpan lifetime)
    {
        Value = value;

        // A little early, so a token never expires in flight.
        _lifetime = lifetime > TimeSpan.FromSeconds(20) ? lifetime - TimeSpan.FromSeconds(10) : lifetime;
    }

    public string Value { get; }

    public bool Expired => _age.Elapsed >= _lifetime;
}

/// <summary>One name's clock and token: the retry budget and the deadline that bounds its whole resolution.</summary>
internal sealed class NameContext
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan _retryBudget;

    public NameContext(CancellationToken caller, CancellationToken token, TimeSpan retryBudget, TimeSpan deadline)
    {
        Caller = caller;
        Token = token;
        _retryBudget = retryBudget;
        Deadline = deadline;
    }

    /// <summary>The caller's own token (Ctrl+C).</summary>
    public CancellationToken Caller { get; }

    /// <summary>The caller's token linked with the deadline.</summary>
    public CancellationToken Token { get; }

    public TimeSpan Deadline { get; }

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>True when a retry after <paramref name="delay"/> still starts within the retry budget.</summary>
    public bool MayRetry(TimeSpan delay) => _clock.Elapsed + delay <= _retryBudget;

    /// <summary>True when the deadline, not the caller, cancelled.</summary>
    public bool TimedOut => Token.IsCancellationRequested && !Caller.IsCancellationRequested;
}

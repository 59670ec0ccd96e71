using System;
using System.Diagnostics;
using System.Threading;

namespace ImgTrack.Registry;

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

    /// <summary>True when a retry after <paramref name="delay"/> still starts within the retry budget and before the
    /// deadline: a wait that would outlast the name's time is not begun.</summary>
    public bool MayRetry(TimeSpan delay) => _clock.Elapsed + delay <= _retryBudget && _clock.Elapsed + delay < Deadline;

    /// <summary>True when the deadline, not the caller, cancelled.</summary>
    public bool TimedOut => Token.IsCancellationRequested && !Caller.IsCancellationRequested;
}

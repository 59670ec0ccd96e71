using System;
using System.Diagnostics;

namespace ImgTrack.Progress;

/// <summary>
/// Decides, on each step, whether a progress update is due: the first after <c>initialDelay</c> (so short runs
/// draw nothing), then at most one per <see cref="ProgressPolicy.MinimumInterval"/>.
/// </summary>
public sealed class ProgressThrottle
{
    private readonly Func<TimeSpan> _clock;
    private readonly TimeSpan _interval;
    private TimeSpan _next;

    /// <summary>Creates a throttle on a monotonic clock started now.</summary>
    public ProgressThrottle(TimeSpan initialDelay)
        : this(initialDelay, ProgressPolicy.MinimumInterval, StartClock())
    {
    }

    /// <summary>Creates a throttle on a given clock (tests).</summary>
    public ProgressThrottle(TimeSpan initialDelay, TimeSpan interval, Func<TimeSpan> clock)
    {
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _interval = interval;
        _next = clock() + initialDelay;
    }

    /// <summary>True once any update was allowed: then a completed record is owed at the end.</summary>
    public bool HasReported { get; private set; }

    /// <summary>True when an update is due now; the next one then waits a full interval.</summary>
    public bool IsDue()
    {
        var now = _clock();
        if (now < _next)
        {
            return false;
        }

        _next = now + _interval;
        HasReported = true;
        return true;
    }

    private static Func<TimeSpan> StartClock()
    {
        var watch = Stopwatch.StartNew();
        return () => watch.Elapsed;
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace ImgTrack.Identity;

/// <summary>
/// When <c>Write-Progress</c> records are worth writing: only to a person watching (never in a scheduled task, a
/// service or <c>pwsh -NonInteractive</c>, where progress is noise in logs and costs time), and at most a few
/// times a second.
/// </summary>
public static class ProgressPolicy
{
    /// <summary>The least time between two progress updates: at most 4 a second.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(250);

    // pwsh and powershell.exe switches end where the command or file begins; what follows belongs to the script.
    private static readonly string[] s_lastSwitches = { "COMMAND", "C", "FILE", "F", "ENCODEDCOMMAND", "E", "EC" };

    /// <summary>
    /// True when progress should be shown.
    /// </summary>
    /// <param name="userInteractive"><see cref="Environment.UserInteractive"/>: false in services and, on Windows, in scheduled tasks that run whether or not a user is logged on.</param>
    /// <param name="hostName">The host's name (<c>$Host.Name</c>). <see cref="DefaultHostName"/> is the host PowerShell gives a
    /// runspace that a program opened without one: no person watches it, although it reports a raw UI.</param>
    /// <param name="hostHasRawUI">Whether the host has a raw UI (<c>$Host.UI.RawUI</c>); hosts without one (job hosts) cannot draw a progress bar.</param>
    /// <param name="commandLineArgs">The process's command line (<see cref="Environment.GetCommandLineArgs"/>), checked for <c>-NonInteractive</c>.</param>
    public static bool ShouldShowProgress(bool userInteractive, string? hostName, bool hostHasRawUI, IReadOnlyList<string>? commandLineArgs)
    {
        return userInteractive
            && hostHasRawUI
            && !string.Equals(hostName, DefaultHostName, StringComparison.Ordinal)
            && !IsNonInteractiveCommandLine(commandLineArgs);
    }

    /// <summary>The name of the host PowerShell supplies to a runspace opened without one (an embedding program, a test).</summary>
    public const string DefaultHostName = "Default Host";

    /// <summary>
    /// True when the process was started with <c>-NonInteractive</c>, written as PowerShell accepts it: any
    /// unambiguous prefix from <c>-noni</c> on, with <c>-</c>, <c>--</c> or <c>/</c>, in any case, before
    /// <c>-Command</c>/<c>-File</c> (later words are the script's own arguments).
    /// </summary>
    public static bool IsNonInteractiveCommandLine(IReadOnlyList<string>? commandLineArgs)
    {
        if (commandLineArgs is null)
        {
            return false;
        }

        // Element 0 is the program itself.
        for (var i = 1; i < commandLineArgs.Count; i++)
        {
            var arg = commandLineArgs[i];
            if (string.IsNullOrEmpty(arg) || (arg[0] != '-' && arg[0] != '/'))
            {
                // A bare word is the file to run (pwsh script.ps1 …): the rest is the script's.
                return false;
            }

            var key = arg.TrimStart('-', '/').ToUpperInvariant();
            if (key.Length >= 4 && "NONINTERACTIVE".StartsWith(key, StringComparison.Ordinal))
            {
                return true;
            }

            if (Array.IndexOf(s_lastSwitches, key) >= 0)
            {
                return false;
            }
        }

        return false;
    }
}

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

using System;
using System.Collections.Generic;

namespace ImgTrack.Progress;

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

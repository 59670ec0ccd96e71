using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Xunit;

namespace ImgTrack.PowerShell.Tests.Progress;

/// <summary>
/// The module's progress policy and throttle, host-free logic of the cmdlets. They are reached through the module a
/// session imported from out/ImgTrack, not through an assembly reference: this project holds no second copy of
/// ImgTrack.dll (see the project file), so the types tested are the staged module's own.
/// </summary>
public sealed class ProgressPolicyTests
{
    private static readonly Lazy<Assembly> s_module = new(() =>
    {
        using var session = new PowerShellSession();
        return session.Invoke("(Get-Module -Name ImgTrack).ImplementingAssembly").ThrowIfErrors().BaseObjects.OfType<Assembly>().Single();
    });

    private static Type ModuleType(string name) => s_module.Value.GetType(name, throwOnError: true)!;

    private static TimeSpan MinimumInterval =>
        (TimeSpan)ModuleType("ImgTrack.Progress.ProgressPolicy").GetField("MinimumInterval")!.GetValue(null)!;

    private static bool ShouldShowProgress(bool userInteractive, string hostName, bool hostHasRawUI, IReadOnlyList<string> commandLine) =>
        (bool)ModuleType("ImgTrack.Progress.ProgressPolicy").GetMethod("ShouldShowProgress")!
            .Invoke(null, new object[] { userInteractive, hostName, hostHasRawUI, commandLine })!;

    /// <summary>The module's ProgressThrottle, driven by a test clock.</summary>
    private sealed class Throttle
    {
        private readonly object _throttle;

        public Throttle(TimeSpan initialDelay, TimeSpan interval, Func<TimeSpan> clock) =>
            _throttle = Activator.CreateInstance(ModuleType("ImgTrack.Progress.ProgressThrottle"), initialDelay, interval, clock)!;

        public bool HasReported => (bool)_throttle.GetType().GetProperty("HasReported")!.GetValue(_throttle)!;

        public bool IsDue() => (bool)_throttle.GetType().GetMethod("IsDue")!.Invoke(_throttle, null)!;
    }

    public static TheoryData<string, bool, string, bool, string[], bool> Cases => new()
    {
        { "a console session", true, "ConsoleHost", true, new[] { "pwsh" }, true },
        { "a console session running a script", true, "ConsoleHost", true, new[] { "pwsh", "-NoProfile", "-File", "inventory.ps1", "-NonInteractive" }, true },
        { "pwsh -NonInteractive", true, "ConsoleHost", true, new[] { "pwsh", "-NonInteractive", "-File", "inventory.ps1" }, false },
        { "pwsh -noni, abbreviated", true, "ConsoleHost", true, new[] { "pwsh", "-noni", "-c", "Get-ImageIdentity -All" }, false },
        { "powershell.exe /NonInteractive", true, "ConsoleHost", true, new[] { "powershell.exe", "/NonInteractive" }, false },
        { "pwsh --noninteractive", true, "ConsoleHost", true, new[] { "pwsh", "--noninteractive" }, false },
        { "-non is too short to be -NonInteractive", true, "ConsoleHost", true, new[] { "pwsh", "-non" }, true },
        { "-NonInteractive after -Command belongs to the command", true, "ConsoleHost", true, new[] { "pwsh", "-Command", "x", "-NonInteractive" }, true },
        { "a service or scheduled task (not user-interactive)", false, "ConsoleHost", true, new[] { "powershell.exe" }, false },
        { "a host without a raw UI (job host)", true, "ConsoleHost", false, new[] { "app" }, false },
        { "a runspace a program opened without a host (PowerShell's Default Host has a raw UI)", true, "Default Host", true, new[] { "app" }, false },
        { "Windows PowerShell ISE", true, "Windows PowerShell ISE Host", true, new[] { "powershell_ise.exe" }, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Progress_is_shown_only_to_a_person_at_a_console(string because, bool userInteractive, string hostName, bool hostHasRawUI, string[] commandLine, bool expected)
    {
        Assert.True(expected == ShouldShowProgress(userInteractive, hostName, hostHasRawUI, commandLine), because);
    }

    [Fact]
    public void The_throttle_stays_quiet_for_short_runs_then_allows_at_most_four_updates_a_second()
    {
        var now = TimeSpan.Zero;
        var throttle = new Throttle(TimeSpan.FromSeconds(1), MinimumInterval, () => now);
        var updates = 0;

        // 10,000 steps over 3 seconds, one every 0.3 ms.
        for (var step = 0; step < 10_000; step++)
        {
            now = TimeSpan.FromTicks(step * TimeSpan.FromSeconds(3).Ticks / 10_000);
            if (throttle.IsDue())
            {
                updates++;
                Assert.True(now >= TimeSpan.FromSeconds(1), "no update before the initial delay");
            }
        }

        // From 1 s to 3 s at one per 250 ms: at most 9 updates (2 s * 4/s + the first).
        Assert.InRange(updates, 8, 9);
        Assert.True(throttle.HasReported);
    }

    [Fact]
    public void A_run_shorter_than_the_initial_delay_reports_nothing_and_owes_no_completed_record()
    {
        var now = TimeSpan.Zero;
        var throttle = new Throttle(TimeSpan.FromSeconds(1), MinimumInterval, () => now);

        now = TimeSpan.FromMilliseconds(999);

        Assert.False(throttle.IsDue());
        Assert.False(throttle.HasReported);
    }
}

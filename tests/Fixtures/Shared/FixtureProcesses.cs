using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace ImgTrack.Tests;

/// <summary>What the fixtures (dockerd, docker-registry, Podman, the token service) share: free loopback ports,
/// pid files, waiting for a started program to answer, stopping it, and cleaning up after a crashed run.</summary>
internal static class FixtureProcesses
{
    private const int SigTerm = 15;
    private const int MntDetach = 2;

    /// <summary>
    /// Cleans up after fixtures whose test process is gone (killed, or crashed before Dispose): for each folder
    /// <paramref name="parent"/>/<paramref name="prefix"/>* whose <paramref name="ownerFile"/> names a process no longer
    /// running, kills the processes its <paramref name="pidFiles"/> name — only while each still runs from that folder, so
    /// a reused ID is never hit — and deletes the folder. Folders of live runs (another engineer's, say) are left alone.
    /// </summary>
    public static void CleanUpLeftovers(string parent, string prefix, string ownerFile, Func<string, IEnumerable<string>> pidFiles)
    {
        foreach (var folder in Directory.GetDirectories(parent, prefix + "*"))
        {
            var owner = ReadPid(Path.Combine(folder, ownerFile));
            if (owner is null || Directory.Exists($"/proc/{owner}"))
            {
                continue;
            }

            foreach (var pidFile in pidFiles(folder))
            {
                KillListedProcess(pidFile, folder);
            }

            DeleteFolder(folder);
        }
    }

    /// <summary>Kills the process a pid file names, only while its command line names <paramref name="folder"/>.</summary>
    public static void KillListedProcess(string pidFile, string folder)
    {
        var pid = ReadPid(pidFile);
        if (pid is null)
        {
            return;
        }

        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            if (!commandLine.Contains(folder, StringComparison.Ordinal))
            {
                return;
            }

            using var process = Process.GetProcessById(pid.Value);
            process.Kill();
            process.WaitForExit(10_000);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            // Gone already.
        }
    }

    /// <summary>Deletes a fixture's folder: mounts under it (a killed engine's storage) are detached first, deepest
    /// first, and a delete that races a dying process is tried again.</summary>
    public static void DeleteFolder(string folder)
    {
        var mountPoints = File.ReadAllLines("/proc/self/mountinfo")
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 4)
            .Select(fields => fields[4].Replace("\\040", " ", StringComparison.Ordinal))
            .Where(point => point == folder || point.StartsWith(folder + "/", StringComparison.Ordinal))
            .OrderByDescending(point => point.Length);
        foreach (var point in mountPoints)
        {
            _ = Unmount(point, MntDetach);
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(200);
            }
        }
    }

    [DllImport("libc", EntryPoint = "umount2", SetLastError = true)]
    private static extern int Unmount(string target, int flags);

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A command-line program's start settings with its arguments and redirected output (and input, when
    /// <paramref name="redirectInput"/>); the caller may add to its environment before <see cref="Run"/>.</summary>
    public static ProcessStartInfo CommandLine(string program, bool redirectInput, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>Runs a command line to its end (at most 2 minutes), feeding it <paramref name="input"/>; returns its
    /// trimmed standard output, or throws with its standard error when it fails. <paramref name="name"/> names it in
    /// messages (<c>docker</c>, <c>podman</c>).</summary>
    public static string Run(ProcessStartInfo start, string name, byte[]? input)
    {
        var command = name + " " + string.Join(' ', start.ArgumentList);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start " + name + ".");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.BaseStream.Write(input);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} did not finish within 2 minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} failed ({process.ExitCode}): {stderr.Result.Trim()}");
        }

        return stdout.Result.Trim();
    }

    /// <summary>The process ID in a pid file, or null when the file is missing or holds none.</summary>
    public static int? ReadPid(string file)
    {
        try
        {
            return int.TryParse(File.ReadAllText(file).Trim(), out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The last 15 lines of a program's log, for a start failure's message.</summary>
    public static string LogTail(string log) =>
        File.Exists(log) ? string.Join("\n", File.ReadAllLines(log).TakeLast(15)) : "(no log)";

    /// <summary>Polls <paramref name="ready"/> until it says yes; fails with the log's tail when the program exits or
    /// does not answer within <paramref name="timeout"/>.</summary>
    public static void WaitUntil(Process process, string name, Func<bool> ready, TimeSpan timeout, string log)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with code {process.ExitCode} while starting: {LogTail(log)}");
            }

            try
            {
                if (ready())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or SocketException or TaskCanceledException)
            {
                last = e;
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException($"{name} did not answer within {timeout.TotalSeconds} s ({last?.Message}): {LogTail(log)}");
    }

    /// <summary>
    /// Stops a program started by a fixture: SIGTERM first, so dockerd stops its containerd and unmounts its data
    /// root and Podman's service releases its store's locks; SIGKILL only if it does not go within 15 seconds.
    /// </summary>
    public static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited && (Kill(process.Id, SigTerm) != 0 || !process.WaitForExit(15_000)))
            {
                process.Kill();
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

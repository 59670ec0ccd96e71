using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Concurrency;
using ImgTrack.Network;
using ImgTrack.Text;

namespace ImgTrack.Registry;

/// <summary>
/// One call of a <c>docker-credential-*</c> helper (<c>get</c>, the server URL on standard input, JSON on standard
/// output). Its standard output holds the secret, so it is never quoted, not even when the helper fails. The wait
/// ends when the helper exits or the caller's token ends, whichever is first, and never depends on children the
/// helper leaves behind holding its output open: after the helper exits, only what it wrote is read.
/// </summary>
internal static class CredentialHelper
{
    /// <summary>How long, after the helper exits, its output may take to reach its end before what arrived is used.</summary>
    private static readonly TimeSpan s_drainAfterExit = TimeSpan.FromMilliseconds(500);

    private const int MaxOutputChars = 64 * 1024;

    /// <summary>The program the docker CLI runs for a helper named in the config.</summary>
    public static string ProgramFor(string helper) => "docker-credential-" + helper;

    /// <summary>
    /// The credential <paramref name="helper"/> gives for <paramref name="server"/>; null (with a warning, unless the
    /// helper said it has none) when it is missing, fails or answers nonsense.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> ended first; the helper and its
    /// children are stopped.</exception>
    public static async Task<RegistryCredential?> GetAsync(string helper, string server, string registry, Action<string> warn, CancellationToken cancellationToken)
    {
        var program = ProgramFor(helper);
        var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo(program, "get")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                CreateNoWindow = true,
            },
            EnableRaisingEvents = true,
        };
        process.Exited += (_, _) => exited.TrySetResult(true);
        try
        {
            process.Start();
        }
        catch (Win32Exception)
        {
            warn(MessageText.Format(RegistryMessages.CredentialHelperMissing, program, registry));
            return null;
        }

        var output = new StringBuilder();
        var errors = new StringBuilder();
        var reading = Task.WhenAll(Drain(process.StandardOutput, output), Drain(process.StandardError, errors));
        try
        {
            await process.StandardInput.WriteAsync(server).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It exited without reading: its exit code tells.
        }

        try
        {
            await exited.Task.WaitOrCancelAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            throw;
        }

        await Task.WhenAny(reading, Task.Delay(s_drainAfterExit, cancellationToken)).ConfigureAwait(false);
        string text, problem;
        lock (output)
        {
            text = output.ToString();
        }

        lock (errors)
        {
            problem = errors.ToString();
        }

        if (process.ExitCode != 0)
        {
            // The protocol's "not found" answer is a plain anonymous lookup, not a problem worth a warning.
            if ((text + problem).IndexOf("credentials not found", StringComparison.OrdinalIgnoreCase) < 0)
            {
                var reason = ServerText.Quote(FirstLine(problem));
                warn(MessageText.Format(
                    RegistryMessages.CredentialHelperFailed,
                    program,
                    registry,
                    reason.Length > 0 ? reason : MessageText.Format(RegistryMessages.CredentialHelperExitCode, process.ExitCode)));
            }

            return null;
        }

        return Parse(text, program, registry, warn);
    }

    private static RegistryCredential? Parse(string text, string program, string registry, Action<string> warn)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException();
            }

            var user = root.TryGetProperty("Username", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            var secret = root.TryGetProperty("Secret", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            if (string.IsNullOrEmpty(secret))
            {
                return null;
            }

            // The helper protocol marks an identity token by the user name "<token>".
            return user == "<token>" || string.IsNullOrEmpty(user)
                ? RegistryCredential.FromIdentityToken(secret!)
                : RegistryCredential.FromPassword(user!, secret!);
        }
        catch (JsonException)
        {
            warn(MessageText.Format(RegistryMessages.CredentialHelperFailed, program, registry, RegistryMessages.CredentialHelperNotJson));
            return null;
        }
    }

    // Reads a stream to its end (or until the process object is disposed), keeping at most MaxOutputChars.
    private static async Task Drain(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
            {
                lock (into)
                {
                    if (into.Length < MaxOutputChars)
                    {
                        into.Append(buffer, 0, Math.Min(read, MaxOutputChars - into.Length));
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The pipe was closed under the read: what arrived is what there is.
        }
    }

    // The helper and what it started: Process.Kill(true) where the runtime has it (.NET Core 3+), else the helper alone.
    private static void KillTree(Process process)
    {
        try
        {
            var killTree = typeof(Process).GetMethod(nameof(Process.Kill), new[] { typeof(bool) });
            if (killTree is not null)
            {
                killTree.Invoke(process, new object[] { true });
            }
            else
            {
                process.Kill();
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or System.Reflection.TargetInvocationException or NotSupportedException)
        {
            // Exited meanwhile, or cannot be killed: it is abandoned.
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.Trim();
        var newline = line.IndexOf('\n');
        return newline >= 0 ? line.Substring(0, newline).Trim() : line;
    }
}

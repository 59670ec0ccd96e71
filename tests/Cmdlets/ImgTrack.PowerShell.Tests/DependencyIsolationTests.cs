using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>
/// Another module got there first: a session that already loaded an OLDER Docker.DotNet (3.125, same assembly
/// name and public key as ImgTrack's 4.3) must still import ImgTrack and talk to the engine. Without the private
/// load context the runtime refuses ImgTrack.Core's reference ("manifest definition does not match").
/// Runs in a fresh process (ImgTrack.IsolationProbe): this test process has already imported ImgTrack.
/// </summary>
[Collection(DockerEngineFixture.CollectionName)]
public sealed class DependencyIsolationTests
{
    private readonly DockerEngineFixture _engine;

    public DependencyIsolationTests(DockerEngineFixture engine) => _engine = engine;

    [EngineFact]
    public void ImgTrack_works_in_a_session_that_already_loaded_an_older_Docker_DotNet()
    {
        _engine.ImportImage("isolation/probe:1.0");

        // Docker.DotNet's unix transport, as Windows PowerShell 5.1 uses it (PowerShell 7's pooled one loads only its models).
        var (exitCode, output) = RunProbe(RepositoryPaths.StagedManifest, _engine.DockerHost, legacyTransport: true);

        Assert.True(exitCode == 0, "probe failed:\n" + output);
        Assert.Contains("preloaded Docker.DotNet, Version=3.125.0.0", output, StringComparison.Ordinal);
        // Both live side by side: the other module's 3.125 in the default context, our 4.3 transport in the private one.
        var loaded = output.Substring(output.IndexOf("loaded:", StringComparison.Ordinal));
        Assert.Contains("Docker.DotNet, Version=3.125.0.0", loaded, StringComparison.Ordinal);
        Assert.Contains("Docker.DotNet.Unix, Version=4.3.0.0", loaded, StringComparison.Ordinal);
        Assert.Matches(@"OK [1-9][0-9]* images", output);
    }

    [EngineFact]
    public void On_PowerShell_7_ImgTrack_reads_a_unix_socket_with_Docker_DotNet_s_models_beside_the_older_one_and_none_of_its_transports()
    {
        _engine.ImportImage("isolation/pooled:1.0");

        var (exitCode, output) = RunProbe(RepositoryPaths.StagedManifest, _engine.DockerHost, legacyTransport: false);

        Assert.True(exitCode == 0, "probe failed:\n" + output);
        // The answers are read into Docker.DotNet 4.3's models (Docker.DotNet.dll, in the private context beside the other
        // module's 3.125); the HTTP is the platform's pooled handler, so no transport of Docker.DotNet's is loaded.
        var loaded = output.Substring(output.IndexOf("loaded:", StringComparison.Ordinal));
        Assert.Contains("Docker.DotNet, Version=3.125.0.0", loaded, StringComparison.Ordinal);
        Assert.Contains("Docker.DotNet, Version=4.3.0.0", loaded, StringComparison.Ordinal);
        Assert.DoesNotContain("Docker.DotNet.Unix", loaded, StringComparison.Ordinal);
        Assert.DoesNotContain("Docker.DotNet.Handler.Abstractions", loaded, StringComparison.Ordinal);
        Assert.Matches(@"OK [1-9][0-9]* images", output);
    }

    private static (int ExitCode, string Output) RunProbe(string manifest, string dockerHost, bool legacyTransport)
    {
        // The probe is built beside this test assembly's configuration: tests/Fixtures/ImgTrack.IsolationProbe/bin/<Configuration>/net10.0.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var probe = Path.Combine(RepositoryPaths.Root, "tests", "Fixtures", "ImgTrack.IsolationProbe", "bin", configuration, "net10.0", "ImgTrack.IsolationProbe.dll");
        Assert.True(File.Exists(probe), "isolation probe not built: " + probe);

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(probe);
        start.ArgumentList.Add(manifest);
        start.ArgumentList.Add(dockerHost);
        if (legacyTransport)
        {
            start.Environment["IMGTRACK_ENGINE_TRANSPORT"] = "legacy";
        }
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "probe timed out\n" + output);
        }

        process.WaitForExit(); // flushes the asynchronous readers
        return (process.ExitCode, output.ToString());
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace ImgTrack.NetFramework.Tests;

/// <summary>
/// A private dockerd and docker-registry, started by the one fixture the other layers use
/// (<c>tests/Shared/DockerEngineFixture.cs</c>) run as its process, <c>ImgTrack.TestEngine</c> on .NET: that fixture is
/// .NET 10 code (tar writer, SocketsHttpHandler), which Mono cannot load. The process prints where the engine listens as
/// one JSON line and stops it when its standard input closes.
/// </summary>
public sealed class TestEngine : IDisposable
{
    private readonly Process? _process;

    /// <summary>Starts the engine (or nothing, when <see cref="EngineFactAttribute"/> skips the tests).</summary>
    public TestEngine()
    {
        if (EngineFactAttribute.SkipReason is not null)
        {
            return;
        }

        var start = Dotnet(Assembly);
        start.RedirectStandardInput = true;
        start.RedirectStandardError = false;
        _process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start ImgTrack.TestEngine.");
        var line = _process.StandardOutput.ReadLine();
        if (line is null)
        {
            _process.WaitForExit(10_000);
            throw new InvalidOperationException($"ImgTrack.TestEngine exited ({(_process.HasExited ? _process.ExitCode : -1)}) before its engine started; its error output says why.");
        }

        var started = JsonLine(line);
        DockerHost = started.TryGetValue("DockerHost", out var host) && host is not null
            ? host
            : throw new InvalidOperationException("ImgTrack.TestEngine started no engine: " + line);
        RegistryAddress = started["RegistryAddress"] ?? throw new InvalidOperationException("No registry: " + line);
        Directory = started["Directory"]!;
    }

    /// <summary>The engine's socket, <c>unix:///tmp/itf-…/docker.sock</c>.</summary>
    public string DockerHost { get; } = string.Empty;

    /// <summary>The registry, <c>127.0.0.1:PORT</c>.</summary>
    public string RegistryAddress { get; } = string.Empty;

    /// <summary>The fixture's folder (short, under /tmp).</summary>
    public string Directory { get; } = string.Empty;

    /// <summary>The built <c>ImgTrack.TestEngine.dll</c>: <c>IMGTRACK_TEST_ENGINE</c>, else the newest under <c>tests/</c>.</summary>
    internal static string? Assembly
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("IMGTRACK_TEST_ENGINE");
            if (!string.IsNullOrEmpty(configured))
            {
                return configured;
            }

            return new DirectoryInfo(Path.Combine(StagedModule.RepositoryRoot, "tests"))
                .EnumerateFiles("ImgTrack.TestEngine.dll", SearchOption.AllDirectories)
                .Where(file => file.DirectoryName!.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar))
                .OrderByDescending(file => file.LastWriteTimeUtc)
                .FirstOrDefault()?.FullName;
        }
    }

    /// <summary>Runs the docker CLI against this engine only (no user config, TLS or context) and returns its output,
    /// trimmed; throws with its error output when it fails.</summary>
    public string Docker(params string[] args)
    {
        var start = new ProcessStartInfo(File.Exists("/usr/bin/docker") ? "/usr/bin/docker" : "docker", string.Join(" ", args.Select(Quote)))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.EnvironmentVariables["DOCKER_HOST"] = DockerHost;
        start.EnvironmentVariables["DOCKER_CONFIG"] = Path.Combine(Directory, "cli");
        foreach (var name in new[] { "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_TLS", "DOCKER_CERT_PATH" })
        {
            start.EnvironmentVariables.Remove(name);
        }

        return Run(start, "docker");
    }

    /// <summary>Creates an image named <paramref name="name"/> with <c>docker import</c> of a one-file tarball with
    /// unique content, so each call makes a distinct image ID; returns the ID.</summary>
    public string ImportImage(string name)
    {
        var folder = Path.Combine(Directory, "import-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "imgtrack-id"), name + "\n" + Guid.NewGuid().ToString("N") + "\n");
            var tarball = Path.Combine(folder, "image.tar");
            Run(new ProcessStartInfo("tar", $"-cf {Quote(tarball)} -C {Quote(folder)} imgtrack-id") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true }, "tar");
            return Docker("import", tarball, name);
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Stops the engine: closing standard input makes ImgTrack.TestEngine stop dockerd and the registry.</summary>
    public void Dispose()
    {
        if (_process is null)
        {
            return;
        }

        _process.StandardInput.Close();
        if (!_process.WaitForExit(60_000))
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    internal static ProcessStartInfo Dotnet(string? assembly, string arguments = "") =>
        new("dotnet", Quote(assembly ?? throw new InvalidOperationException("tests/**/ImgTrack.TestEngine is not built: dotnet build its project.")) + " " + arguments)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        };

    internal static string Run(ProcessStartInfo start, string name)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start " + name);
        var error = start.RedirectStandardError ? process.StandardError.ReadToEndAsync() : null;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{name} {start.Arguments} failed ({process.ExitCode}): {error?.Result.Trim()}");
        }

        return output.Trim();
    }

    /// <summary>The string and null members of the fixture's one-line JSON object (paths, addresses, reasons).</summary>
    internal static Dictionary<string, string?> JsonLine(string line)
    {
        var members = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (Match member in Regex.Matches(line, "\"(\\w+)\":(?:null|\"((?:[^\"\\\\]|\\\\.)*)\"|(-?\\d+))"))
        {
            members[member.Groups[1].Value] = member.Groups[2].Success ? Regex.Unescape(member.Groups[2].Value)
                : member.Groups[3].Success ? member.Groups[3].Value
                : null;
        }

        return members;
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "/._:-=@+".IndexOf(c) >= 0)
            ? argument
            : "\"" + argument.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}

/// <summary>
/// A test that needs the real engine. It skips, saying why, where ImgTrack.TestEngine says engine tests cannot run
/// (not Linux, no docker.io or docker-registry, not root) and never in CI (<c>IMGTRACK_REQUIRE_ENGINE=1</c>), where the
/// fixture fails instead; the rule is the fixture's own (<c>ImgTrack.TestEngine --check</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class EngineFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> s_skipReason = new(Check);

    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the engine cannot be had here.</summary>
    public EngineFactAttribute()
    {
        Skip = SkipReason;
    }

    internal static string? SkipReason => s_skipReason.Value;

    private static string? Check()
    {
        if (Environment.GetEnvironmentVariable("IMGTRACK_REQUIRE_ENGINE") == "1")
        {
            return null;
        }

        var assembly = TestEngine.Assembly;
        if (assembly is null)
        {
            return "tests/**/ImgTrack.TestEngine is not built, so no engine can be started (the test script builds it).";
        }

        var answer = TestEngine.JsonLine(TestEngine.Run(TestEngine.Dotnet(assembly, "--check"), "ImgTrack.TestEngine --check"));
        return answer.TryGetValue("Unavailable", out var reason) ? reason : null;
    }
}

/// <summary>The tests that share one engine.</summary>
[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<TestEngine>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Docker engine";
}

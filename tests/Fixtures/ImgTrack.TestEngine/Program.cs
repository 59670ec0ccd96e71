using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Tests;

namespace ImgTrack.TestEngine;

/// <summary>
/// Starts a private test engine for the Pester suite and keeps it until standard input closes.
/// Usage: <c>ImgTrack.TestEngine --check</c> (only says whether engine tests can run here: <c>{"Unavailable": null|reason}</c>), or
/// <c>ImgTrack.TestEngine [--tls] [--hostname NAME] [--no-registry] [--kill-after-requests N | --remove-first-inspected]</c>, or
/// <c>ImgTrack.TestEngine --fake [--images N] [--fail-inspects N] [--freeze-after-inspects N] [--hostile-list-bytes N]
/// [--first-answer-delay-ms N]</c> (the test's own engine, <see cref="FakeEngine"/>, no root needed: <c>{"DockerHost"}</c>), or <c>ImgTrack.TestEngine --podman [--check]</c> (Podman's service and a registry: <c>{"DockerHost", "RegistryAddress",
/// "Directory", "PodmanCli"}</c>), or <c>ImgTrack.TestEngine --push-index HOST:PORT/REPO:TAG PLATFORM...</c> (writes an OCI
/// layout with one image per platform and pushes it with <c>skopeo copy --all</c> in plain HTTP; prints each platform's
/// config digest as JSON and exits).
/// With <c>--kill-after-requests</c> or <c>--remove-first-inspected</c>, <c>ProxyHost</c> is a relay in front of the engine
/// (<see cref="EngineRelay"/>) that kills dockerd once it has relayed N requests, or removes the image of the first image
/// inspect request (<c>docker rmi</c>) before forwarding that request: an image deleted between the list and its inspect.
/// Prints one JSON line: <c>{"DockerHost", "RegistryAddress", "Directory", "EnginePid", "ProxyHost", ...}</c>,
/// or <c>{"Unavailable": reason}</c> when engine tests cannot run here (never in CI, where the fixture throws).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--push-index")
        {
            return PushIndex(args[1], args[2..]);
        }

        if (args.Length > 0 && args[0] == "--fake")
        {
            return RunFake(args[1..]);
        }

        var options = new DockerEngineOptions();
        int? killAfter = null;
        var removeFirstInspected = false;
        var check = false;
        var podman = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--tls": options = new DockerEngineOptions { Tls = true, HostName = options.HostName, Registry = options.Registry }; break;
                case "--hostname": options = new DockerEngineOptions { Tls = options.Tls, HostName = args[++i], Registry = options.Registry }; break;
                case "--no-registry": options = new DockerEngineOptions { Tls = options.Tls, HostName = options.HostName, Registry = false }; break;
                case "--check": check = true; break;
                case "--podman": podman = true; break;
                case "--kill-after-requests": killAfter = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--remove-first-inspected": removeFirstInspected = true; break;
                default:
                    Console.Error.WriteLine("unknown argument: " + args[i]);
                    return 2;
            }
        }

        if (podman)
        {
            return RunPodman(check);
        }

        var unavailable = EngineAvailability.WhyUnavailable();
        if (check || unavailable is not null)
        {
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?> { ["Unavailable"] = unavailable }));
            return 0;
        }

        using var engine = new PesterEngine(options);
        var started = new Dictionary<string, object?>
        {
            ["DockerHost"] = engine.DockerHost,
            ["RegistryAddress"] = options.Registry ? engine.RegistryAddress : null,
            ["Directory"] = engine.Directory,
            ["EnginePid"] = engine.EnginePid,
            ["TlsDockerHost"] = options.Tls ? engine.TlsDockerHost : null,
            ["ClientCertificateDirectory"] = options.Tls ? engine.ClientCertificateDirectory : null,
        };

        using var proxy = killAfter is { } count ? KillingRelay(engine, count)
            : removeFirstInspected ? RemovingRelay(engine)
            : null;
        started["ProxyHost"] = proxy?.Endpoint;
        Console.WriteLine(JsonSerializer.Serialize(started));
        Console.Out.Flush();

        // Keep the engine until the parent closes our standard input (or exits, which closes it too).
        while (Console.In.ReadLine() is not null)
        {
        }

        return 0;
    }

    private static int PushIndex(string name, string[] platforms)
    {
        var layout = Directory.CreateTempSubdirectory("itlayout-");
        try
        {
            var configs = OciLayout.Write(layout.FullName, platforms);
            OciLayout.Skopeo("--insecure-policy", "copy", "--all", "--quiet", "--dest-tls-verify=false", "oci:" + layout.FullName + ":" + OciLayout.Tag, "docker://" + name);
            Console.WriteLine(JsonSerializer.Serialize(configs));
            return 0;
        }
        finally
        {
            layout.Delete(recursive: true);
        }
    }

    // The test's own engine (FakeEngine) on a loopback port: what no real engine here shows on demand. Needs no dockerd, so
    // it runs everywhere. --images N serves team/fake:1..N (no repo digests, as loaded images); --fail-inspects M makes the
    // last M of them answer 500 to their inspect (an engine's own error about one image); --freeze-after-inspects K never
    // answers an inspect after the first K (a frozen engine); --hostile-list-bytes B answers the list with B bytes of
    // distinct images; --first-answer-delay-ms D waits that long before its first answer (a busy or socket-activated
    // engine). Kept until standard input closes.
    private static int RunFake(string[] args)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        var count = 0;
        var fail = 0;
        var freezeAfter = -1;
        long hostileBytes = 0;
        var firstAnswerDelay = TimeSpan.Zero;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--images": count = int.Parse(args[++i], culture); break;
                case "--fail-inspects": fail = int.Parse(args[++i], culture); break;
                case "--freeze-after-inspects": freezeAfter = int.Parse(args[++i], culture); break;
                case "--hostile-list-bytes": hostileBytes = long.Parse(args[++i], culture); break;
                case "--first-answer-delay-ms": firstAnswerDelay = TimeSpan.FromMilliseconds(int.Parse(args[++i], culture)); break;
                default:
                    Console.Error.WriteLine("unknown argument: " + args[i]);
                    return 2;
            }
        }

        using var engine = new FakeEngine { FirstAnswerDelay = firstAnswerDelay };
        var failing = new HashSet<string>(StringComparer.Ordinal);
        for (var n = 1; n <= count; n++)
        {
            var id = "sha256:" + n.ToString("x64", culture);
            var tag = "team/fake:" + n.ToString(culture);
            engine.Images.Add(new FakeImage { Id = id, RepoTags = new[] { tag } });
            if (n > count - fail)
            {
                failing.Add(id);
                failing.Add(tag);
            }
        }

        var inspects = 0;
        var inspect = new System.Text.RegularExpressions.Regex("^/(?:v[0-9.]+/)?images/(.+)/json$");
        engine.NeverAnswer = request =>
            freezeAfter >= 0 && inspect.IsMatch(request.Path) && Interlocked.Increment(ref inspects) > freezeAfter;
        engine.Override = request =>
        {
            if (hostileBytes > 0 && request.Path == "/images/json")
            {
                return FakeEngine.HostileList(hostileBytes);
            }

            var match = inspect.Match(request.Path);
            return match.Success && failing.Contains(Uri.UnescapeDataString(match.Groups[1].Value))
                ? MiniResponse.Json(500, "{\"message\":\"fake engine: internal error inspecting " + match.Groups[1].Value + "\"}")
                : null;
        };

        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?> { ["DockerHost"] = engine.DockerHost }));
        Console.Out.Flush();
        while (Console.In.ReadLine() is not null)
        {
        }

        return 0;
    }

    private static int RunPodman(bool check)
    {
        var unavailable = PodmanAvailability.WhyUnavailable();
        if (check || unavailable is not null)
        {
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?> { ["Unavailable"] = unavailable }));
            return 0;
        }

        using var fixture = new PodmanFixture();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["DockerHost"] = fixture.DockerHost,
            ["RegistryAddress"] = fixture.RegistryAddress,
            ["Directory"] = fixture.Directory,
            ["PodmanCli"] = fixture.Cli,
            ["ServicePid"] = fixture.ServicePid,
        }));
        Console.Out.Flush();
        while (Console.In.ReadLine() is not null)
        {
        }

        return 0;
    }

    private sealed class PesterEngine : DockerEngineFixture
    {
        public PesterEngine(DockerEngineOptions options)
            : base(options)
        {
        }
    }

    // SIGKILLs dockerd once the relay has forwarded `count` requests: the engine dies at a known point of the run.
    private static EngineRelay KillingRelay(DockerEngineFixture engine, int count) =>
        new(engine.DockerHost, Path.Combine(engine.Directory, "proxy.sock"), request =>
        {
            if (request.Number <= count)
            {
                return Task.FromResult(true);
            }

            try
            {
                using var process = Process.GetProcessById(engine.EnginePid);
                process.Kill();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }

            return Task.FromResult(false);
        });

    // Removes the image of the first inspect request before forwarding it, so the engine answers 404 for an image it
    // has just listed.
    private static EngineRelay RemovingRelay(DockerEngineFixture engine)
    {
        var removed = 0;
        return new(engine.DockerHost, Path.Combine(engine.Directory, "proxy.sock"), request =>
        {
            var match = System.Text.RegularExpressions.Regex.Match(request.Line, "^GET /(?:v[0-9.]+/)?images/(sha256:[0-9a-f]{64})/json");
            if (match.Success && Interlocked.Exchange(ref removed, 1) == 0)
            {
                engine.Docker("rmi", "--force", match.Groups[1].Value);
            }

            return Task.FromResult(true);
        });
    }
}

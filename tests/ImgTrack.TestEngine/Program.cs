using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Tests;

namespace ImgTrack.TestEngine;

/// <summary>
/// Starts a private test engine for the Pester suite and keeps it until standard input closes.
/// Usage: <c>ImgTrack.TestEngine --check</c> (only says whether engine tests can run here: <c>{"Unavailable": null|reason}</c>), or
/// <c>ImgTrack.TestEngine [--tls] [--hostname NAME] [--no-registry] [--kill-after-requests N]</c>, or
/// <c>ImgTrack.TestEngine --podman [--check]</c> (Podman's service and a registry: <c>{"DockerHost", "RegistryAddress",
/// "Directory", "PodmanCli"}</c>), or <c>ImgTrack.TestEngine --push-index HOST:PORT/REPO:TAG PLATFORM...</c> (writes an OCI
/// layout with one image per platform and pushes it with <c>skopeo copy --all</c> in plain HTTP; prints each platform's
/// config digest as JSON and exits).
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

        var options = new DockerEngineOptions();
        int? killAfter = null;
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

        using var proxy = killAfter is { } count ? new KillingProxy(engine, count) : null;
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

    /// <summary>
    /// A unix-socket relay in front of dockerd that SIGKILLs the engine once it has relayed a given number of HTTP
    /// requests, so a test can kill the engine at a known point in the middle of a run. Requests are counted by
    /// their request lines in the client-to-engine bytes (keep-alive or not).
    /// </summary>
    private sealed class KillingProxy : IDisposable
    {
        private readonly DockerEngineFixture _engine;
        private readonly int _killAfter;
        private readonly Socket _listener;
        private readonly string _enginePath;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Socket> _open = new();
        private int _requests;

        public KillingProxy(DockerEngineFixture engine, int killAfter)
        {
            _engine = engine;
            _killAfter = killAfter;
            _enginePath = new Uri(engine.DockerHost).AbsolutePath;
            var path = Path.Combine(engine.Directory, "proxy.sock");
            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _listener.Bind(new UnixDomainSocketEndPoint(path));
            _listener.Listen(128);
            Endpoint = "unix://" + path;
            _ = Task.Run(AcceptLoop);
        }

        public string Endpoint { get; }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Dispose();
            lock (_open)
            {
                foreach (var socket in _open)
                {
                    socket.Dispose();
                }
            }
        }

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptAsync(_stop.Token);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }

                var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await upstream.ConnectAsync(new UnixDomainSocketEndPoint(_enginePath));
                }
                catch (SocketException)
                {
                    client.Dispose();
                    upstream.Dispose();
                    continue;
                }

                lock (_open)
                {
                    _open.Add(client);
                    _open.Add(upstream);
                }

                _ = Task.Run(() => Relay(client, upstream, countRequests: true));
                _ = Task.Run(() => Relay(upstream, client, countRequests: false));
            }
        }

        private async Task Relay(Socket from, Socket to, bool countRequests)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    if (countRequests && Count(buffer.AsSpan(0, read)))
                    {
                        KillEngine();
                        break;
                    }

                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
                }
            }
            catch (Exception)
            {
                // Either side went away: the relay ends with it.
            }

            from.Dispose();
            to.Dispose();
        }

        // True when this chunk holds the request that goes past the limit.
        private bool Count(ReadOnlySpan<byte> chunk)
        {
            var text = Encoding.ASCII.GetString(chunk);
            var index = 0;
            while ((index = text.IndexOf(" HTTP/1.1\r\n", index, StringComparison.Ordinal)) >= 0)
            {
                index++;
                if (Interlocked.Increment(ref _requests) > _killAfter)
                {
                    return true;
                }
            }

            return false;
        }

        private void KillEngine()
        {
            try
            {
                using var engine = Process.GetProcessById(_engine.EnginePid);
                engine.Kill();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }

            lock (_open)
            {
                foreach (var socket in _open)
                {
                    socket.Dispose();
                }
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace ImgTrack.Tests;

/// <summary>What kind of private engine a <see cref="DockerEngineFixture"/> starts.</summary>
public sealed class DockerEngineOptions
{
    /// <summary>Also listen on <c>tcp://127.0.0.1:PORT</c> with <c>--tlsverify</c> and openssl-made certificates.</summary>
    public bool Tls { get; init; }

    /// <summary>Run dockerd in its own UTS namespace with this host name (<c>unshare --uts</c>), so engine and machine differ.</summary>
    public string? HostName { get; init; }

    /// <summary>Start a <c>docker-registry</c> on a free loopback port as well.</summary>
    public bool Registry { get; init; } = true;
}

/// <summary>
/// A private Docker engine (Debian's dockerd 20.10) and registry for integration tests, per DESIGN.md's verified
/// recipe: vfs storage, no networking, its own socket, data and exec roots in a short temp folder, a config file
/// of its own, so it neither needs nor disturbs a system dockerd on /var/run/docker.sock. Use it as an xUnit class
/// or collection fixture: startup costs a second or more, so one engine serves a class or collection.
/// Outside CI, on a machine without the engine it starts nothing and the <see cref="EngineFactAttribute"/> tests skip;
/// in CI (<c>IMGTRACK_REQUIRE_ENGINE=1</c>) a missing binary fails with a message saying what to install.
/// </summary>
public class DockerEngineFixture : IDisposable
{
    /// <summary>The name of the xUnit collection that shares one plain engine (<see cref="DockerEngineCollection"/>).</summary>
    public const string CollectionName = "Docker engine";

    private const string Dockerd = "/usr/sbin/dockerd";
    private const string DockerRegistry = "/usr/bin/docker-registry";

    // Every fixture folder starts with this, so leftovers of a crashed run can be recognized and cleaned up.
    private const string FolderPrefix = "itf-";
    private const string OwnerFile = "owner.pid";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly string? _unavailable;
    private readonly List<Process> _processes = new();
    private string? _directory;
    private bool _disposed;

    /// <summary>Starts a plain engine with a registry.</summary>
    public DockerEngineFixture()
        : this(new DockerEngineOptions())
    {
    }

    /// <summary>Starts an engine of the given kind.</summary>
    protected DockerEngineFixture(DockerEngineOptions options)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _unavailable = EngineAvailability.WhyUnavailable();
        if (_unavailable is not null)
        {
            return;
        }

        try
        {
            Start();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The options the engine was started with.</summary>
    public DockerEngineOptions Options { get; }

    /// <summary>The engine's unix socket, <c>unix:///tmp/itf-…/docker.sock</c> (plain, even when <see cref="DockerEngineOptions.Tls"/>).</summary>
    public string DockerHost => Started(field: _dockerHost);

    /// <summary>The engine's TLS endpoint, <c>tcp://127.0.0.1:PORT</c>; only with <see cref="DockerEngineOptions.Tls"/>.</summary>
    public string TlsDockerHost => Started(field: _tlsDockerHost, "DockerEngineOptions.Tls");

    /// <summary>A DOCKER_CERT_PATH folder for the TLS endpoint: <c>ca.pem</c>, <c>cert.pem</c>, <c>key.pem</c>.</summary>
    public string ClientCertificateDirectory => Started(field: _clientDirectory, "DockerEngineOptions.Tls");

    /// <summary>The CA folder (<c>ca.pem</c>, <c>ca-key.pem</c>) that signed the engine's and the client's certificates,
    /// for tests that need more client certificates.</summary>
    public string AuthorityDirectory => Started(field: _authorityDirectory, "DockerEngineOptions.Tls");

    /// <summary>The registry, <c>127.0.0.1:PORT</c> (plain HTTP, which dockerd trusts on loopback).</summary>
    public string RegistryAddress => Started(field: _registryAddress, "DockerEngineOptions.Registry");

    /// <summary>The fixture's own folder (short, under /tmp); deleted on dispose.</summary>
    public string Directory => Started(field: _directory);

    /// <summary>dockerd's process ID.</summary>
    public int EnginePid { get; private set; }

    private string? _dockerHost;
    private string? _tlsDockerHost;
    private string? _clientDirectory;
    private string? _authorityDirectory;
    private string? _registryAddress;

    /// <summary>Runs the docker CLI against this engine (DOCKER_HOST set, the user's config and TLS settings kept out)
    /// and returns its standard output, trimmed. Throws with the CLI's standard error when it fails.</summary>
    public string Docker(params string[] args) => RunDocker(null, args);

    /// <summary>
    /// Creates an image named <paramref name="name"/> with <c>docker import</c> from a tiny tarball whose one file
    /// holds unique content, so every call makes a distinct image ID. Such an image has no repo digest until pushed.
    /// </summary>
    /// <returns>The image ID, <c>sha256:…</c>.</returns>
    public string ImportImage(string name)
    {
        using var tarball = new MemoryStream();
        using (var writer = new TarWriter(tarball, TarEntryFormat.Pax, leaveOpen: true))
        {
            var content = Encoding.UTF8.GetBytes($"{name}\n{Guid.NewGuid():N}\n");
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "imgtrack-id")
            {
                DataStream = new MemoryStream(content),
                Mode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                ModificationTime = DateTimeOffset.UtcNow,
            };
            writer.WriteEntry(entry);
        }

        return RunDocker(tarball.ToArray(), "import", "-", name);
    }

    /// <summary>Pushes <paramref name="name"/> (which must name <see cref="RegistryAddress"/>) with <c>docker push</c>; returns the CLI's output.</summary>
    public string Push(string name) => Docker("push", name);

    /// <summary>Stops the engine and the registry (by process ID) and deletes the fixture folder.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        GC.SuppressFinalize(this);
        foreach (var process in _processes)
        {
            FixtureProcesses.Stop(process);
        }

        if (_directory is not null)
        {
            // Left over only when dockerd had to be killed: its containerd, and the bind mount of its data root.
            FixtureProcesses.KillListedProcess(Path.Combine(_directory, "exec", "containerd", "containerd.pid"), _directory);
            FixtureProcesses.DeleteFolder(_directory);
        }
    }

    private string Started(string? field, string? option = null)
    {
        if (_unavailable is not null)
        {
            throw new InvalidOperationException("The test engine was not started: " + _unavailable);
        }

        return field ?? throw new InvalidOperationException($"This fixture was started without {option}.");
    }

    private void Start()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The test engine needs Linux (Debian's docker.io and docker-registry packages).");
        }

        RequireFile(Dockerd, "docker.io");
        if (Options.Registry)
        {
            RequireFile(DockerRegistry, "docker-registry");
        }

        if (Options.HostName is not null)
        {
            RequireFile("/usr/bin/unshare", "util-linux");
        }

        if (Options.Tls)
        {
            RequireOnPath("openssl", "openssl");
        }

        CleanUpLeftovers();

        // Short on purpose: a unix socket path may not exceed ~107 bytes.
        _directory = System.IO.Directory.CreateTempSubdirectory(FolderPrefix).FullName;
        if (!_directory.StartsWith("/tmp/", StringComparison.Ordinal))
        {
            var shortDirectory = Path.Combine("/tmp", Path.GetFileName(_directory));
            System.IO.Directory.Move(_directory, shortDirectory);
            _directory = shortDirectory;
        }

        File.WriteAllText(Path.Combine(_directory, OwnerFile), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        if (Options.Registry)
        {
            StartRegistry();
        }

        StartEngine();
    }

    private void StartRegistry()
    {
        var port = FixtureProcesses.FreePort();
        var config = Path.Combine(_directory!, "registry.yml");
        File.WriteAllText(config, $"version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {_directory}/registry\nhttp:\n  addr: 127.0.0.1:{port}\n");
        var registry = StartLogged("registry", DockerRegistry, "serve", config);
        File.WriteAllText(Path.Combine(_directory!, "registry.pid"), registry.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        FixtureProcesses.WaitUntil(registry, "registry", () =>
        {
            using var response = http.GetAsync($"http://127.0.0.1:{port}/v2/").GetAwaiter().GetResult();
            return response.StatusCode == HttpStatusCode.OK;
        }, s_startTimeout, Path.Combine(_directory!, "registry.log"));
        _registryAddress = $"127.0.0.1:{port}";
    }

    private void StartEngine()
    {
        var socket = Path.Combine(_directory!, "docker.sock");
        File.WriteAllText(Path.Combine(_directory!, "daemon.json"), "{}\n");
        var arguments = new List<string>
        {
            // Our own (empty) config file, so a system /etc/docker/daemon.json cannot change this engine.
            "--config-file", Path.Combine(_directory!, "daemon.json"),
            "--storage-driver=vfs", "--iptables=false", "--ip6tables=false", "--bridge=none",
            "--data-root", Path.Combine(_directory!, "data"),
            "--exec-root", Path.Combine(_directory!, "exec"),
            "--pidfile", Path.Combine(_directory!, "docker.pid"),
            "-H", "unix://" + socket,
        };

        if (Options.Tls)
        {
            var authority = Path.Combine(_directory!, "ca");
            var server = Path.Combine(_directory!, "server");
            var client = Path.Combine(_directory!, "client");
            TestCertificates.CreateAuthority(authority);
            TestCertificates.CreateServer(authority, server);
            TestCertificates.CreateClient(authority, client);
            var port = FixtureProcesses.FreePort();
            arguments.AddRange(new[]
            {
                "-H", $"tcp://127.0.0.1:{port}", "--tlsverify",
                "--tlscacert", Path.Combine(authority, "ca.pem"),
                "--tlscert", Path.Combine(server, "server-cert.pem"),
                "--tlskey", Path.Combine(server, "server-key.pem"),
            });
            _tlsDockerHost = $"tcp://127.0.0.1:{port}";
            _clientDirectory = client;
            _authorityDirectory = authority;
        }

        Process engine;
        if (Options.HostName is not null)
        {
            // unshare and sh exec in turn, so the process we hold is dockerd itself, in a UTS namespace of its own.
            var script = "hostname \"$0\" && exec \"$@\"";
            engine = StartLogged("dockerd", "/usr/bin/unshare", new[] { "--uts", "/bin/sh", "-c", script, Options.HostName, Dockerd }.Concat(arguments).ToArray());
        }
        else
        {
            engine = StartLogged("dockerd", Dockerd, arguments.ToArray());
        }

        EnginePid = engine.Id;
        using var http = UnixSocketClient(socket);
        FixtureProcesses.WaitUntil(engine, "dockerd", () =>
        {
            using var response = http.GetAsync("http://engine/_ping").GetAwaiter().GetResult();
            return response.StatusCode == HttpStatusCode.OK;
        }, s_startTimeout, Path.Combine(_directory!, "dockerd.log"));
        _dockerHost = "unix://" + socket;
    }

    private string RunDocker(byte[]? input, params string[] args)
    {
        var start = FixtureProcesses.CommandLine(DockerCli(), input is not null, args);

        // Only this engine: no TLS or context settings of the user's, no user config.
        start.Environment["DOCKER_HOST"] = DockerHost;
        start.Environment["DOCKER_CONFIG"] = Path.Combine(Directory, "cli");
        start.Environment.Remove("DOCKER_CONTEXT");
        start.Environment.Remove("DOCKER_TLS_VERIFY");
        start.Environment.Remove("DOCKER_TLS");
        start.Environment.Remove("DOCKER_CERT_PATH");
        return FixtureProcesses.Run(start, "docker", input);
    }

    private static string DockerCli()
    {
        foreach (var candidate in new[] { "/usr/local/bin/docker", "/usr/bin/docker" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return "docker";
    }

    private Process StartLogged(string name, string fileName, params string[] arguments)
    {
        // Output goes to a log file in the fixture folder (read on failure), not to pipes nobody drains.
        var log = Path.Combine(_directory!, name + ".log");
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >\"$LOG\" 2>&1");
        start.ArgumentList.Add(fileName);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["LOG"] = log;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start " + fileName);
        _processes.Add(process);
        return process;
    }

    private static HttpClient UnixSocketClient(string socketPath) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        Timeout = TimeSpan.FromSeconds(2),
    };

    /// <summary>Engines, containerds and registries of crashed runs (their test process gone).</summary>
    private static void CleanUpLeftovers() => FixtureProcesses.CleanUpLeftovers("/tmp", FolderPrefix, OwnerFile, folder => new[]
    {
        Path.Combine(folder, "docker.pid"),
        Path.Combine(folder, "exec", "containerd", "containerd.pid"),
        Path.Combine(folder, "registry.pid"),
    });

    private static void RequireFile(string path, string package)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The test engine needs {path}: apt-get install {package}.");
        }
    }

    private static void RequireOnPath(string program, string package)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        if (!path.Split(':').Any(dir => File.Exists(Path.Combine(dir, program))))
        {
            throw new InvalidOperationException($"The test engine needs {program} on PATH: apt-get install {package}.");
        }
    }
}

/// <summary>An engine that also listens on TLS (<see cref="DockerEngineFixture.TlsDockerHost"/>), without a registry.</summary>
public sealed class TlsDockerEngineFixture : DockerEngineFixture
{
    /// <summary>Starts it.</summary>
    public TlsDockerEngineFixture()
        : base(new DockerEngineOptions { Tls = true, Registry = false })
    {
    }
}

/// <summary>An engine in a UTS namespace whose host name is <see cref="HostName"/>, so it differs from the machine's.</summary>
public sealed class NamedHostDockerEngineFixture : DockerEngineFixture
{
    /// <summary>The engine's host name.</summary>
    public const string HostName = "imgtrack-engine";

    /// <summary>Starts it.</summary>
    public NamedHostDockerEngineFixture()
        : base(new DockerEngineOptions { HostName = HostName, Registry = false })
    {
    }
}

/// <summary>The collection whose tests share one plain engine and registry: <c>[Collection(DockerEngineFixture.CollectionName)]</c>.</summary>
[CollectionDefinition(DockerEngineFixture.CollectionName)]
public sealed class DockerEngineCollection : ICollectionFixture<DockerEngineFixture>
{
}

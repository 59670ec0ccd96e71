using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;

namespace ImgTrack.Tests;

/// <summary>
/// A private Podman (Debian's podman 4.3.1) serving the Docker-compatible API on its own socket, and a plain
/// <c>docker-registry</c> on loopback to push to (issue 9's Podman scenario). Everything Podman reads or writes is in the
/// fixture's short temp folder: <c>HOME</c> and the XDG folders, <c>storage.conf</c> (vfs, its own <c>--root</c> and
/// <c>--runroot</c>), <c>containers.conf</c> (cgroupfs, file events, its own tmp), <c>registries.conf</c> (no short-name
/// search), an auth file. The service and the CLI share that store through a wrapper script, <see cref="Cli"/>, which
/// the Pester layer runs too. Outside CI, without podman or root, it starts nothing and <see cref="PodmanFactAttribute"/>
/// tests skip; in CI (<c>IMGTRACK_REQUIRE_ENGINE=1</c>) a missing binary fails, saying what to install.
/// </summary>
public sealed class PodmanFixture : IDisposable
{
    private const string Podman = "/usr/bin/podman";
    private const string DockerRegistry = "/usr/bin/docker-registry";
    private const string FolderPrefix = "itpod-";
    private const string OwnerFile = "owner.pid";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly string? _unavailable;
    private readonly List<Process> _processes = new();
    private string? _directory;
    private string? _dockerHost;
    private string? _registryAddress;
    private bool _disposed;

    /// <summary>Starts Podman's service and a registry (or nothing, where Podman tests skip).</summary>
    public PodmanFixture()
    {
        _unavailable = PodmanAvailability.WhyUnavailable();
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

    /// <summary>Podman's Docker-compatible API, <c>unix:///tmp/itpod-…/podman.sock</c>.</summary>
    public string DockerHost => Started(_dockerHost);

    /// <summary>The registry, <c>127.0.0.1:PORT</c> (plain HTTP: push with <c>--tls-verify=false</c>).</summary>
    public string RegistryAddress => Started(_registryAddress);

    /// <summary>The fixture's folder; deleted on dispose.</summary>
    public string Directory => Started(_directory);

    /// <summary>A script that runs the podman CLI on this fixture's store and configuration (<c>Cli images</c>).</summary>
    public string Cli => Path.Combine(Directory, "podman");

    /// <summary>The service's process ID.</summary>
    public int ServicePid { get; private set; }

    /// <summary>Runs the podman CLI on this fixture's store; returns its standard output, trimmed. Throws with its
    /// standard error when it fails.</summary>
    public string Run(params string[] args) => RunCli(null, args);

    /// <summary>
    /// Creates an image named <paramref name="name"/> with <c>podman import</c> from a tiny tarball with unique content
    /// (so every call makes a distinct image ID). Podman names it <c>localhost/…</c> when the name has no registry.
    /// </summary>
    /// <returns>The image ID, <c>sha256:…</c>.</returns>
    public string ImportImage(string name)
    {
        using var tarball = new MemoryStream();
        using (var writer = new TarWriter(tarball, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "imgtrack-id")
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes($"{name}\n{Guid.NewGuid():N}\n")),
                Mode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                ModificationTime = DateTimeOffset.UtcNow,
            };
            writer.WriteEntry(entry);
        }

        var id = RunCli(tarball.ToArray(), "import", "--quiet", "-", name).Split('\n').Last().Trim();
        return id.StartsWith("sha256:", StringComparison.Ordinal) ? id : "sha256:" + id;
    }

    /// <summary>Pushes <paramref name="name"/> (which must name <see cref="RegistryAddress"/>) in plain HTTP.</summary>
    public string Push(string name) => Run("push", "--quiet", "--tls-verify=false", name);

    /// <summary>Stops the service and the registry by process ID and deletes the folder.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var process in _processes)
        {
            FixtureProcesses.Stop(process);
        }

        if (_directory is not null)
        {
            FixtureProcesses.DeleteFolder(_directory);
        }
    }

    private string Started(string? field) =>
        _unavailable is not null
            ? throw new InvalidOperationException("Podman was not started: " + _unavailable)
            : field ?? throw new InvalidOperationException("Podman is not started.");

    private void Start()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The Podman tests need Linux (Debian's podman package).");
        }

        Require(Podman, "podman");
        Require(DockerRegistry, "docker-registry");
        CleanUpLeftovers();

        // Short: a unix socket path may not exceed ~107 bytes.
        _directory = System.IO.Directory.CreateTempSubdirectory(FolderPrefix).FullName;
        if (!_directory.StartsWith("/tmp/", StringComparison.Ordinal))
        {
            var shortDirectory = Path.Combine("/tmp", Path.GetFileName(_directory));
            System.IO.Directory.Move(_directory, shortDirectory);
            _directory = shortDirectory;
        }

        File.WriteAllText(Path.Combine(_directory, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        WriteConfiguration(_directory);
        StartRegistry();
        StartService();
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void WriteConfiguration(string d)
    {
        foreach (var folder in new[] { "home", "config", "data", "run", "tmp" })
        {
            System.IO.Directory.CreateDirectory(Path.Combine(d, folder));
        }

        File.WriteAllText(Path.Combine(d, "storage.conf"), $"[storage]\ndriver = \"vfs\"\nrunroot = \"{d}/runroot\"\ngraphroot = \"{d}/root\"\n");
        File.WriteAllText(Path.Combine(d, "containers.conf"),
            $"[engine]\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\nevents_logfile_path = \"{d}/events.log\"\ntmp_dir = \"{d}/tmp\"\n");
        File.WriteAllText(Path.Combine(d, "registries.conf"), "unqualified-search-registries = []\n");
        File.WriteAllText(Path.Combine(d, "auth.json"), "{}\n");

        // The one way in, for the service, the tests and Pester alike: this store, this configuration, nothing of the
        // machine's (no ~/.config/containers, no /etc/containers/storage.conf).
        var script = new StringBuilder()
            .Append("#!/bin/sh\n")
            .Append(CultureInfo.InvariantCulture, $"export HOME='{d}/home' XDG_CONFIG_HOME='{d}/config' XDG_DATA_HOME='{d}/data' XDG_RUNTIME_DIR='{d}/run' TMPDIR='{d}/tmp'\n")
            .Append(CultureInfo.InvariantCulture, $"export CONTAINERS_STORAGE_CONF='{d}/storage.conf' CONTAINERS_CONF='{d}/containers.conf' CONTAINERS_REGISTRIES_CONF='{d}/registries.conf' REGISTRY_AUTH_FILE='{d}/auth.json'\n")
            .Append(CultureInfo.InvariantCulture, $"exec {Podman} --root '{d}/root' --runroot '{d}/runroot' --storage-driver vfs \"$@\"\n")
            .ToString();
        var cli = Path.Combine(d, "podman");
        File.WriteAllText(cli, script);
        File.SetUnixFileMode(cli, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private void StartRegistry()
    {
        var port = FixtureProcesses.FreePort();
        var config = Path.Combine(_directory!, "registry.yml");
        File.WriteAllText(config, $"version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {_directory}/registry\nhttp:\n  addr: 127.0.0.1:{port}\n");
        var registry = StartLogged("registry", DockerRegistry, "serve", config);
        File.WriteAllText(Path.Combine(_directory!, "registry.pid"), registry.Id.ToString(CultureInfo.InvariantCulture));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        FixtureProcesses.WaitUntil(registry, "registry", () =>
        {
            using var response = http.GetAsync($"http://127.0.0.1:{port}/v2/").GetAwaiter().GetResult();
            return response.StatusCode == HttpStatusCode.OK;
        }, s_startTimeout, Path.Combine(_directory!, "registry.log"));
        _registryAddress = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
    }

    private void StartService()
    {
        var socket = Path.Combine(_directory!, "podman.sock");
        var service = StartLogged("service", Cli, "system", "service", "--time=0", "unix://" + socket);
        ServicePid = service.Id;
        File.WriteAllText(Path.Combine(_directory!, "service.pid"), service.Id.ToString(CultureInfo.InvariantCulture));
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await client.ConnectAsync(new UnixDomainSocketEndPoint(socket), token);
                    return new NetworkStream(client, ownsSocket: true);
                }
                catch
                {
                    client.Dispose();
                    throw;
                }
            },
        })
        {
            Timeout = TimeSpan.FromSeconds(2),
        };
        FixtureProcesses.WaitUntil(service, "podman system service", () =>
        {
            using var response = http.GetAsync("http://podman/_ping").GetAwaiter().GetResult();
            return response.StatusCode == HttpStatusCode.OK;
        }, s_startTimeout, Path.Combine(_directory!, "service.log"));
        _dockerHost = "unix://" + socket;
    }

    private string RunCli(byte[]? input, params string[] args) =>
        FixtureProcesses.Run(FixtureProcesses.CommandLine(Cli, input is not null, args), "podman", input);

    private Process StartLogged(string name, string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >\"$LOG\" 2>&1");
        start.ArgumentList.Add(fileName);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["LOG"] = Path.Combine(_directory!, name + ".log");
        var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start " + fileName);
        _processes.Add(process);
        return process;
    }

    /// <summary>Podman services and registries of crashed runs (their test process gone).</summary>
    private static void CleanUpLeftovers() => FixtureProcesses.CleanUpLeftovers("/tmp", FolderPrefix, OwnerFile, folder => new[]
    {
        Path.Combine(folder, "service.pid"),
        Path.Combine(folder, "registry.pid"),
    });

    private static void Require(string path, string package)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The Podman tests need {path}: apt-get install {package}.");
        }
    }
}

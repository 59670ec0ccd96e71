using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace ImgTrack.Tests;

/// <summary>
/// Registries for the remote-identity tests (issue 9), all Debian's <c>docker-registry</c> 2.8 on loopback ports:
/// <list type="bullet">
/// <item><see cref="PlainAddress"/>: plain HTTP, anonymous, with <see cref="Proxy"/> (a fault-injecting, request-counting
/// proxy) in front of it at <see cref="ProxyAddress"/>;</item>
/// <item><see cref="TlsAddress"/>: HTTPS on a certificate of the fixture's own openssl-made CA (trusted only through
/// <see cref="CertificatesDirectory"/>, Docker's certs.d layout), htpasswd Basic auth for <see cref="User"/>;</item>
/// <item><see cref="MutualTlsAddress"/>: HTTPS that requires a client certificate of the same CA (mutual TLS; its
/// certs.d folder in <see cref="CertificatesDirectory"/> holds <c>ca.crt</c>, <c>client.cert</c> and <c>client.key</c>),
/// anonymous;</item>
/// <item><see cref="TokenAddress"/>: plain HTTP with token auth, its <see cref="Tokens"/> service signing JWTs the
/// registry trusts (<c>auth: token</c> with a rootcertbundle).</item>
/// </list>
/// No engine and no root needed, but the same skip rule as engine tests (<see cref="EngineFactAttribute"/>).
/// </summary>
public sealed class RegistryFixture : IDisposable
{
    /// <summary>The user of the Basic and token registries.</summary>
    public const string User = "imgtrack";

    /// <summary>Its password (a test secret: it must never show in a message).</summary>
    public const string Password = "s3cret-Pa55word";

    /// <summary>An identity (refresh) token the token service accepts for <see cref="User"/>.</summary>
    public const string IdentityToken = "imgtrack-refresh-token-0123456789";

    private const string DockerRegistry = "/usr/bin/docker-registry";
    private const string FolderPrefix = "itr-";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    private readonly List<Process> _processes = new();
    private readonly string? _unavailable;
    private string? _directory;

    /// <summary>Starts the registries (or nothing, when engine tests skip here).</summary>
    public RegistryFixture()
    {
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

    /// <summary>The plain registry, <c>127.0.0.1:PORT</c>.</summary>
    public string PlainAddress { get; private set; } = string.Empty;

    /// <summary>The proxy in front of <see cref="PlainAddress"/>.</summary>
    public FaultProxy Proxy { get; private set; } = null!;

    /// <summary>The proxy's address, <c>127.0.0.1:PORT</c>.</summary>
    public string ProxyAddress => Proxy.Address;

    /// <summary>The TLS + Basic registry, <c>127.0.0.1:PORT</c>.</summary>
    public string TlsAddress { get; private set; } = string.Empty;

    /// <summary>The mutual-TLS registry, <c>127.0.0.1:PORT</c>.</summary>
    public string MutualTlsAddress { get; private set; } = string.Empty;

    /// <summary>The CA's certificate (PEM), which signed both registries' server certificates and the client certificate.</summary>
    public string AuthorityCertificate => Path.Combine(Directory, "ca", "ca.pem");

    /// <summary>A certs.d folder trusting the TLS registry's CA (<c>&lt;dir&gt;/127.0.0.1:PORT/ca.crt</c>).</summary>
    public string CertificatesDirectory { get; private set; } = string.Empty;

    /// <summary>An empty certs.d folder: the TLS registry is not trusted there.</summary>
    public string EmptyCertificatesDirectory { get; private set; } = string.Empty;

    /// <summary>The token-auth registry, <c>127.0.0.1:PORT</c>.</summary>
    public string TokenAddress { get; private set; } = string.Empty;

    /// <summary>The token service of <see cref="TokenAddress"/>.</summary>
    public TokenService Tokens { get; private set; } = null!;

    /// <summary>The fixture's folder.</summary>
    public string Directory => _directory ?? throw new InvalidOperationException("The registries were not started: " + _unavailable);

    /// <summary>
    /// Writes an OCI layout with one image per platform (an index when more than one) and pushes it with
    /// <c>skopeo copy --all</c> to <paramref name="registry"/>/<paramref name="repositoryAndTag"/>. Returns each
    /// platform's config digest.
    /// </summary>
    public IReadOnlyDictionary<string, string> Push(string registry, string repositoryAndTag, params string[] platforms)
    {
        var layout = Path.Combine(Directory, "layouts", Guid.NewGuid().ToString("N"));
        var configs = OciLayout.Write(layout, platforms);
        var arguments = new List<string> { "--insecure-policy", "copy", "--all", "--quiet" };
        if (registry == TlsAddress)
        {
            arguments.AddRange(new[] { "--dest-cert-dir", Path.Combine(CertificatesDirectory, TlsAddress), "--dest-creds", User + ":" + Password });
        }
        else if (registry == MutualTlsAddress)
        {
            // skopeo reads Docker's certs.d layout too: the CA and the client pair.
            arguments.AddRange(new[] { "--dest-cert-dir", Path.Combine(CertificatesDirectory, MutualTlsAddress) });
        }
        else
        {
            arguments.Add("--dest-tls-verify=false");
            if (registry == TokenAddress)
            {
                arguments.AddRange(new[] { "--dest-creds", User + ":" + Password });
            }
        }

        arguments.Add("oci:" + layout + ":" + OciLayout.Tag);
        arguments.Add("docker://" + registry + "/" + repositoryAndTag);
        OciLayout.Skopeo(arguments.ToArray());
        return configs;
    }

    /// <summary>Stops the registries (by process ID), the token service and the proxy; deletes the folder.</summary>
    public void Dispose()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // Gone already.
            }

            process.Dispose();
        }

        Proxy?.Dispose();
        Tokens?.Dispose();
        if (_directory is not null)
        {
            try
            {
                System.IO.Directory.Delete(_directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for the next run's clean-up.
            }
        }
    }

    private void Start()
    {
        if (!File.Exists(DockerRegistry))
        {
            throw new InvalidOperationException($"The registry tests need {DockerRegistry}: apt-get install docker-registry.");
        }

        CleanUpLeftovers();
        _directory = System.IO.Directory.CreateTempSubdirectory(FolderPrefix).FullName;
        File.WriteAllText(Path.Combine(_directory, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

        // Plain, with the proxy in front.
        var plainPort = FixtureProcesses.FreePort();
        StartRegistry("plain", plainPort, string.Empty);
        PlainAddress = "127.0.0.1:" + plainPort.ToString(CultureInfo.InvariantCulture);
        Proxy = new FaultProxy("http://" + PlainAddress);

        // TLS with htpasswd (bcrypt, which is all docker-registry reads).
        var authority = Path.Combine(_directory, "ca");
        var server = Path.Combine(_directory, "tls");
        TestCertificates.CreateAuthority(authority, "ImgTrack registry test CA");
        TestCertificates.CreateServer(authority, server);
        var htpasswd = Path.Combine(_directory, "htpasswd");
        File.WriteAllText(htpasswd, Run("htpasswd", "apache2-utils", "-Bbn", User, Password) + "\n");
        var tlsPort = FixtureProcesses.FreePort();
        StartRegistry("tls", tlsPort,
            $"  tls:\n    certificate: {server}/server-cert.pem\n    key: {server}/server-key.pem\n" +
            $"auth:\n  htpasswd:\n    realm: imgtrack-basic\n    path: {htpasswd}\n");
        TlsAddress = "127.0.0.1:" + tlsPort.ToString(CultureInfo.InvariantCulture);
        CertificatesDirectory = Path.Combine(_directory, "certs.d");
        System.IO.Directory.CreateDirectory(Path.Combine(CertificatesDirectory, TlsAddress));
        File.Copy(Path.Combine(authority, "ca.pem"), Path.Combine(CertificatesDirectory, TlsAddress, "ca.crt"));

        // Mutual TLS: the same CA signs the client certificate the registry requires (clientcas).
        var mutualPort = FixtureProcesses.FreePort();
        StartRegistry("mtls", mutualPort,
            $"  tls:\n    certificate: {server}/server-cert.pem\n    key: {server}/server-key.pem\n    clientcas:\n      - {authority}/ca.pem\n");
        MutualTlsAddress = "127.0.0.1:" + mutualPort.ToString(CultureInfo.InvariantCulture);
        var mutualFolder = Path.Combine(CertificatesDirectory, MutualTlsAddress);
        TestCertificates.CreateSigned(authority, mutualFolder, "client.cert", "client.key", "imgtrack-registry-client", TestCertificates.KeyKind.RsaPkcs8, "extendedKeyUsage=clientAuth");
        File.Copy(Path.Combine(authority, "ca.pem"), Path.Combine(mutualFolder, "ca.crt"));
        EmptyCertificatesDirectory = Path.Combine(_directory, "certs.d-empty");
        System.IO.Directory.CreateDirectory(EmptyCertificatesDirectory);

        // Token auth.
        Tokens = new TokenService();
        Tokens.AddUser(User, Password);
        Tokens.AddRefreshToken(IdentityToken, User);
        var bundle = Path.Combine(_directory, "token-root.pem");
        Tokens.WriteCertificate(bundle);
        var tokenPort = FixtureProcesses.FreePort();
        StartRegistry("token", tokenPort,
            $"auth:\n  token:\n    realm: {Tokens.Realm}\n    service: {TokenService.ServiceName}\n    issuer: {TokenService.Issuer}\n    rootcertbundle: {bundle}\n");
        TokenAddress = "127.0.0.1:" + tokenPort.ToString(CultureInfo.InvariantCulture);
    }

    private void StartRegistry(string name, int port, string extra)
    {
        var config = Path.Combine(_directory!, name + ".yml");

        // extra continues the http: section (tls) and/or adds top-level sections (auth).
        File.WriteAllText(config,
            $"version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {_directory}/{name}-data\n" +
            $"http:\n  addr: 127.0.0.1:{port}\n{extra}");
        var log = Path.Combine(_directory!, name + ".log");
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" serve \"$1\" >\"$LOG\" 2>&1");
        start.ArgumentList.Add(DockerRegistry);
        start.ArgumentList.Add(config);
        start.Environment["LOG"] = log;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start docker-registry.");
        _processes.Add(process);
        File.WriteAllText(Path.Combine(_directory!, name + ".pid"), process.Id.ToString(CultureInfo.InvariantCulture));

        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry ({name}) exited while starting: {File.ReadAllText(log)}");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (clock.Elapsed < s_startTimeout)
            {
                Thread.Sleep(100);
            }
        }
    }

    private static string Run(string program, string package, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start " + program);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"The registry tests need {program}: apt-get install {package}.", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEnd();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {stderr}");
            }

            return stdout.Trim();
        }
    }

    /// <summary>Registries of crashed runs (their test process gone): every pid file but the owner's.</summary>
    private static void CleanUpLeftovers() => FixtureProcesses.CleanUpLeftovers(Path.GetTempPath(), FolderPrefix, "owner.pid", folder =>
        System.IO.Directory.GetFiles(folder, "*.pid").Where(file => !file.EndsWith("owner.pid", StringComparison.Ordinal)));

}

using System;
using System.IO;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests.Engine;

/// <summary>
/// The engine connection as the staged module runs it: ImgTrack.Core with the netstandard2.0 builds of
/// Docker.DotNet and BouncyCastle from out/ImgTrack/Dependencies, loaded through the module's isolation, in the
/// hosted PowerShell engine. Core.Tests cover the same paths with the net8+ builds of those packages, which differ
/// (PEM loading, init-only setters), so both runs are needed. These call the core's public factory from script
/// until the cmdlets' own connection tests (Get-ImageIdentity -DockerHost) join them here.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ConnectionTests : IClassFixture<TlsDockerEngineFixture>
{
    private const string GetInfo = @"
param($endpoint)
# The core loads when a cmdlet first needs it; load that same file now so script can name its types.
$null = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine((Get-Module ImgTrack).ModuleBase, 'ImgTrack.Core.dll'))
$engine = [ImgTrack.Engine.ImageEngineFactory]::Create([ImgTrack.Engine.EndpointResolver]::Resolve($endpoint))
try { $engine.GetInfoAsync([System.Threading.CancellationToken]::None).GetAwaiter().GetResult() }
finally { $engine.Dispose() }";

    private readonly TlsDockerEngineFixture _engine;

    public ConnectionTests(TlsDockerEngineFixture engine) => _engine = engine;

    [EngineFact]
    public void The_staged_module_reads_the_engine_over_its_unix_socket()
    {
        using var session = new PowerShellSession();

        var result = session.Invoke(GetInfo, _engine.DockerHost).ThrowIfErrors();

        var info = Assert.Single(result.Output);
        Assert.StartsWith("20.10.", (string)info.Properties["EngineVersion"].Value, StringComparison.Ordinal);
        Assert.Equal("1.41", info.Properties["ApiVersion"].Value);
        Assert.Equal(Environment.MachineName, info.Properties["HostName"].Value);
    }

    [EngineTheory]
    [InlineData(TestCertificates.KeyKind.RsaPkcs1)]
    [InlineData(TestCertificates.KeyKind.EcSec1)]
    public void The_staged_module_connects_over_TLS_with_DOCKER_TLS_VERIFY_and_DOCKER_CERT_PATH(TestCertificates.KeyKind kind)
    {
        var folder = Path.Combine(_engine.Directory, "ps-" + kind);
        TestCertificates.CreateClient(_engine.AuthorityDirectory, folder, kind);
        using var session = new PowerShellSession();

        var result = session.Invoke(
            "$env:DOCKER_HOST = $args[0]; $env:DOCKER_TLS_VERIFY = '1'; $env:DOCKER_CERT_PATH = $args[1]\n" +
            "try { & ([scriptblock]::Create($args[2])) $null } finally { $env:DOCKER_HOST = $null; $env:DOCKER_TLS_VERIFY = $null; $env:DOCKER_CERT_PATH = $null }",
            _engine.TlsDockerHost,
            folder,
            GetInfo).ThrowIfErrors();

        var info = Assert.Single(result.Output);
        Assert.Equal(_engine.TlsDockerHost, info.Properties["Endpoint"].Value);
        Assert.Equal("1.41", info.Properties["ApiVersion"].Value);
    }

    [EngineFact]
    public void The_staged_module_reports_an_unreachable_socket_as_EngineUnreachableException()
    {
        using var session = new PowerShellSession();
        var endpoint = "unix:///tmp/itn-" + Guid.NewGuid().ToString("N").Substring(0, 12) + "/docker.sock";

        var result = session.Invoke(
            "try { & ([scriptblock]::Create($args[1])) $args[0] } catch { $e = $_.Exception; while ($e.InnerException -and $e -isnot [ImgTrack.Engine.EngineUnreachableException]) { $e = $e.InnerException }; $e }",
            endpoint,
            GetInfo);

        var error = Assert.Single(result.BaseObjects);
        Assert.Equal("ImgTrack.Engine.EngineUnreachableException", error.GetType().FullName);
        Assert.Contains(endpoint, ((Exception)error).Message, StringComparison.Ordinal);
    }
}

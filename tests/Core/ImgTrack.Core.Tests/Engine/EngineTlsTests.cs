using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Engine;
using ImgTrack.Tests;
using Xunit;
using Xunit.Abstractions;

namespace ImgTrack.Core.Tests.Engine;

/// <summary>
/// TLS against a real dockerd started with <c>--tlsverify</c> on a loopback port, with certificates made by openssl:
/// the client presents cert.pem/key.pem from DOCKER_CERT_PATH and trusts only the engine certificate's CA in ca.pem.
/// </summary>
public sealed class EngineTlsTests : IClassFixture<TlsDockerEngineFixture>, IDisposable
{
    private readonly TlsDockerEngineFixture _engine;
    private readonly ITestOutputHelper _output;
    private readonly string _scratch = Path.Combine("/tmp", "itt-" + Guid.NewGuid().ToString("N").Substring(0, 10));

    public EngineTlsTests(TlsDockerEngineFixture engine, ITestOutputHelper output)
    {
        _engine = engine;
        _output = output;
    }

    public void Dispose()
    {
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    [EngineFact]
    public async Task DOCKER_TLS_VERIFY_with_the_client_certificate_connects_and_reads_the_engine()
    {
        using var engine = ImageEngineFactory.Create(Resolve(_engine.ClientCertificateDirectory));

        var info = await engine.GetInfoAsync(CancellationToken.None);

        Assert.Equal(_engine.TlsDockerHost, info.Endpoint);
        Assert.StartsWith("20.10.", info.EngineVersion, StringComparison.Ordinal);
        Assert.Equal("1.41", info.ApiVersion);
        Assert.NotNull(await engine.ListImagesAsync(CancellationToken.None));
    }

    [EngineTheory]
    [InlineData(TestCertificates.KeyKind.RsaPkcs1)]
    [InlineData(TestCertificates.KeyKind.RsaPkcs8)]
    [InlineData(TestCertificates.KeyKind.EcSec1)]
    public async Task Client_keys_in_every_PEM_form_openssl_writes_are_accepted(TestCertificates.KeyKind kind)
    {
        TestCertificates.CreateClient(_engine.AuthorityDirectory, _scratch, kind);
        using var engine = ImageEngineFactory.Create(Resolve(_scratch));

        var info = await engine.GetInfoAsync(CancellationToken.None);

        Assert.Equal("1.41", info.ApiVersion);
    }

    [EngineFact]
    public async Task A_client_without_a_certificate_is_refused_with_a_TLS_error_that_names_the_missing_files()
    {
        Directory.CreateDirectory(_scratch);
        File.Copy(Path.Combine(_engine.ClientCertificateDirectory, "ca.pem"), Path.Combine(_scratch, "ca.pem"));
        using var engine = ImageEngineFactory.Create(Resolve(_scratch));

        var error = await Assert.ThrowsAsync<EngineUnreachableException>(() => engine.GetInfoAsync(CancellationToken.None));

        _output.WriteLine(error.Message);
        Assert.Contains("TLS handshake with the Docker engine at " + _engine.TlsDockerHost, error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_scratch, "cert.pem"), error.Message, StringComparison.Ordinal);
        Assert.Contains("No client certificate was offered", error.Message, StringComparison.Ordinal);
    }

    [EngineFact]
    public async Task An_engine_certificate_from_another_CA_is_rejected_even_with_a_valid_client_certificate()
    {
        // Our client pair is one the engine accepts, but ca.pem is a stranger: the engine must not be trusted.
        Directory.CreateDirectory(_scratch);
        File.Copy(Path.Combine(_engine.ClientCertificateDirectory, "cert.pem"), Path.Combine(_scratch, "cert.pem"));
        File.Copy(Path.Combine(_engine.ClientCertificateDirectory, "key.pem"), Path.Combine(_scratch, "key.pem"));
        TestCertificates.CreateAuthority(Path.Combine(_scratch, "other"), "Some other CA");
        File.Copy(Path.Combine(_scratch, "other", "ca.pem"), Path.Combine(_scratch, "ca.pem"));
        using var engine = ImageEngineFactory.Create(Resolve(_scratch));

        var error = await Assert.ThrowsAsync<EngineUnreachableException>(() => engine.GetInfoAsync(CancellationToken.None));

        _output.WriteLine(error.Message);
        Assert.Contains("is not signed by the CA in '" + Path.Combine(_scratch, "ca.pem") + "'", error.Message, StringComparison.Ordinal);
    }

    [EngineFact]
    public async Task Plain_HTTP_to_the_TLS_port_says_to_turn_TLS_on()
    {
        using var engine = ImageEngineFactory.Create(_engine.TlsDockerHost);

        var error = await Assert.ThrowsAsync<EngineUnreachableException>(() => engine.GetInfoAsync(CancellationToken.None));

        _output.WriteLine(error.Message);
        Assert.Contains("requires TLS", error.Message, StringComparison.Ordinal);
        Assert.Contains("DOCKER_TLS_VERIFY", error.Message, StringComparison.Ordinal);
    }

    [EngineFact]
    public async Task Missing_ca_pem_with_DOCKER_TLS_VERIFY_fails_before_connecting_and_names_the_file()
    {
        Directory.CreateDirectory(_scratch);

        var error = Assert.Throws<EngineConfigurationException>(() => ImageEngineFactory.Create(Resolve(_scratch)));

        Assert.Contains(Path.Combine(_scratch, "ca.pem"), error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    private EngineEndpoint Resolve(string certificateDirectory) => EndpointResolver.Resolve(
        null,
        TestEnvironment.Of(
            "/nonexistent-home",
            false,
            ("DOCKER_HOST", _engine.TlsDockerHost),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", certificateDirectory)));
}

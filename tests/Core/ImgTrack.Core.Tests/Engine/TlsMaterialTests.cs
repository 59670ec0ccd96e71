using System;
using System.IO;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ImgTrack.Certificates;
using ImgTrack.Engine;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.Core.Tests.Engine;

/// <summary>
/// Reading the docker CLI's PEM files without an engine: every key form openssl writes, keys that do not belong,
/// files that are not what they should be, and the server-certificate check (ca.pem as the only root, host name).
/// </summary>
public sealed class TlsMaterialTests : IDisposable
{
    private readonly string _root = Path.Combine("/tmp", "itp-" + Guid.NewGuid().ToString("N").Substring(0, 10));

    public TlsMaterialTests()
    {
        TestCertificates.CreateAuthority(Authority);
    }

    private string Authority => Path.Combine(_root, "ca");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(TestCertificates.KeyKind.RsaPkcs1, "-----BEGIN RSA PRIVATE KEY-----")]
    [InlineData(TestCertificates.KeyKind.RsaPkcs8, "-----BEGIN PRIVATE KEY-----")]
    [InlineData(TestCertificates.KeyKind.EcSec1, "-----BEGIN EC PRIVATE KEY-----")]
    public void A_client_pair_in_each_PEM_form_loads_as_a_certificate_with_its_private_key(TestCertificates.KeyKind kind, string keyHeader)
    {
        var folder = Path.Combine(_root, kind.ToString());
        TestCertificates.CreateClient(Authority, folder, kind);
        Assert.StartsWith(keyHeader, File.ReadAllText(Path.Combine(folder, "key.pem")), StringComparison.Ordinal);

        using var certificate = PemCertificates.LoadCertificateWithKey(Path.Combine(folder, "cert.pem"), Path.Combine(folder, "key.pem"));

        Assert.True(certificate.HasPrivateKey);
        Assert.Equal("CN=imgtrack-client", certificate.Subject);
        using var expected = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(folder, "cert.pem"));
        Assert.Equal(expected.Thumbprint, certificate.Thumbprint);
    }

    [Fact]
    public void A_key_that_belongs_to_another_certificate_is_refused_naming_both_files()
    {
        TestCertificates.CreateClient(Authority, Path.Combine(_root, "one"));
        TestCertificates.CreateClient(Authority, Path.Combine(_root, "two"));
        var certificate = Path.Combine(_root, "one", "cert.pem");
        var key = Path.Combine(_root, "two", "key.pem");

        var error = Assert.Throws<CertificateFileException>(() => PemCertificates.LoadCertificateWithKey(certificate, key));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not belong to the certificate '" + certificate + "'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_EC_key_with_an_RSA_certificate_is_refused()
    {
        TestCertificates.CreateClient(Authority, Path.Combine(_root, "rsa"));
        TestCertificates.CreateClient(Authority, Path.Combine(_root, "ec"), TestCertificates.KeyKind.EcSec1);

        var error = Assert.Throws<CertificateFileException>(
            () => PemCertificates.LoadCertificateWithKey(Path.Combine(_root, "rsa", "cert.pem"), Path.Combine(_root, "ec", "key.pem")));

        Assert.Contains("does not belong", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "holds no PEM 'CERTIFICATE' block")]
    [InlineData("just some text\n", "holds no PEM 'CERTIFICATE' block")]
    [InlineData("-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n", "cannot be used")]
    public void A_certificate_file_that_holds_no_certificate_is_refused_naming_it(string content, string expected)
    {
        var path = Path.Combine(_root, "ca.pem");
        File.WriteAllText(path, content);

        var error = Assert.Throws<CertificateFileException>(() => PemCertificates.LoadCertificate(path));

        Assert.Contains("'" + path + "'", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_file_that_holds_only_a_certificate_is_refused_saying_a_key_is_missing()
    {
        TestCertificates.CreateClient(Authority, Path.Combine(_root, "client"));
        var certificate = Path.Combine(_root, "client", "cert.pem");

        var error = Assert.Throws<CertificateFileException>(() => PemCertificates.LoadCertificateWithKey(certificate, certificate));

        Assert.Contains("holds no PEM private key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Half_a_client_pair_is_an_error_naming_the_missing_file()
    {
        var folder = Path.Combine(_root, "half");
        TestCertificates.CreateClient(Authority, folder);
        File.Delete(Path.Combine(folder, "key.pem"));

        var error = Assert.Throws<EngineConfigurationException>(() => ImageEngineFactory.Create(TlsEndpoint(folder, verify: true)));

        Assert.Contains("'" + Path.Combine(folder, "key.pem") + "' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_client_pair_the_client_offers_no_certificate_but_still_verifies_the_engine()
    {
        var folder = Path.Combine(_root, "ca-only");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(Authority, "ca.pem"), Path.Combine(folder, "ca.pem"));

        using var engine = ImageEngineFactory.Create(TlsEndpoint(folder, verify: true));

        Assert.Equal("tcp://127.0.0.1:2376", engine.Endpoint);
    }

    public static TheoryData<string, SslPolicyErrors, bool> ServerCertificates() => new()
    {
        { "signed by ca.pem, right name", SslPolicyErrors.None, true },
        { "signed by ca.pem, chain unknown to the machine", SslPolicyErrors.RemoteCertificateChainErrors, true },
        { "signed by ca.pem, wrong name", SslPolicyErrors.RemoteCertificateNameMismatch, false },
        { "signed by another CA", SslPolicyErrors.RemoteCertificateChainErrors, false },
        { "none", SslPolicyErrors.RemoteCertificateNotAvailable, false },
    };

    [Theory]
    [MemberData(nameof(ServerCertificates))]
    public void The_engine_certificate_must_chain_to_ca_pem_and_name_the_host(string server, SslPolicyErrors errors, bool accepted)
    {
        var folder = Path.Combine(_root, "client");
        TestCertificates.CreateClient(Authority, folder);
        var provider = TlsAuthProvider.Load(TlsEndpoint(folder, verify: true));
        using var certificate = ServerCertificate(server);

        var result = provider.ValidateServerCertificate(null, certificate, null, errors);

        Assert.Equal(accepted, result);
        Assert.Equal(accepted, provider.LastRejection is null);
    }

    [Fact]
    public void DOCKER_TLS_without_verify_accepts_any_engine_certificate_as_the_CLI_does()
    {
        var folder = Path.Combine(_root, "client");
        TestCertificates.CreateClient(Authority, folder);
        var provider = TlsAuthProvider.Load(TlsEndpoint(folder, verify: false));
        using var certificate = ServerCertificate("signed by another CA");

        Assert.True(provider.ValidateServerCertificate(null, certificate, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    private X509Certificate2? ServerCertificate(string kind)
    {
        switch (kind)
        {
            case "none":
                return null;
            case "signed by another CA":
                var other = Path.Combine(_root, "other-ca");
                TestCertificates.CreateAuthority(other, "Other CA");
                TestCertificates.CreateServer(other, Path.Combine(_root, "other-server"));
                return X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_root, "other-server", "server-cert.pem"));
            default:
                TestCertificates.CreateServer(Authority, Path.Combine(_root, "server"));
                return X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_root, "server", "server-cert.pem"));
        }
    }

    private static EngineEndpoint TlsEndpoint(string folder, bool verify) =>
        new(new Uri("tcp://127.0.0.1:2376"), "DOCKER_HOST", new EngineTlsSettings(folder, verify));
}

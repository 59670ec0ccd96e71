using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Oci;
using ImgTrack.Registry;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.Core.Tests.Registry;

/// <summary>
/// Mutual TLS with a registry as dockerd does it: the client certificate is a <c>*.cert</c>/<c>*.key</c> pair in the
/// registry's certs.d folder, beside its <c>*.crt</c> CA. Against docker-registry 2.8 configured with <c>clientcas</c>.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class RegistryClientCertificateTests : IDisposable
{
    private static readonly Platform s_amd64 = Platform.Parse("linux/amd64");
    private readonly RegistryFixture _registries;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "itc-" + Guid.NewGuid().ToString("N").Substring(0, 10));

    public RegistryClientCertificateTests(RegistryFixture registries) => _registries = registries;

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [EngineFact]
    public async Task A_registry_that_requires_a_client_certificate_gets_the_pair_from_its_certs_d_folder()
    {
        var configs = _registries.Push(_registries.MutualTlsAddress, "mtls/app:1", "linux/amd64", "linux/arm64/v8");
        var (resolver, counters) = Resolver(_registries.CertificatesDirectory);
        using (resolver)
        {
            var image = await resolver.ResolveAsync(ImageReference.Parse(_registries.MutualTlsAddress + "/mtls/app:1"), s_amd64, CancellationToken.None);

            Assert.Equal(configs["linux/amd64"], image.ImageId);
            Assert.True(image.IsIndex);
            var answered = counters.SelectMany(c => c.Answered).ToList();
            Assert.Equal(2, answered.Count);
            Assert.All(answered, a => Assert.Equal(("https", 200), (a.Uri.Scheme, a.Status)));
        }
    }

    [EngineFact]
    public async Task The_client_certificate_goes_only_to_its_own_registry_and_the_others_share_one_client()
    {
        _registries.Push(_registries.MutualTlsAddress, "mtls/own:1", "linux/amd64");
        _registries.Push(_registries.PlainAddress, "mtls/plain:1", "linux/amd64");
        var (resolver, counters) = Resolver(_registries.CertificatesDirectory);
        using (resolver)
        {
            await resolver.ResolveAsync(ImageReference.Parse(_registries.PlainAddress + "/mtls/plain:1"), s_amd64, CancellationToken.None);
            await resolver.ResolveAsync(ImageReference.Parse(_registries.MutualTlsAddress + "/mtls/own:1"), s_amd64, CancellationToken.None);

            // One shared client (the plain registry) and one of the mutual-TLS registry's own.
            Assert.Equal(2, counters.Count);
            var byHost = counters.Select(c => c.Answered.Select(a => a.Uri.Authority).Distinct().ToArray()).ToArray();
            Assert.Contains(byHost, hosts => hosts.SequenceEqual(new[] { _registries.PlainAddress }));
            Assert.Contains(byHost, hosts => hosts.SequenceEqual(new[] { _registries.MutualTlsAddress }));
        }
    }

    [EngineFact]
    public async Task Without_a_client_pair_the_registry_refuses_the_handshake_and_is_unavailable()
    {
        _registries.Push(_registries.MutualTlsAddress, "mtls/refused:1", "linux/amd64");
        var folder = Folder(_registries.MutualTlsAddress);
        File.Copy(_registries.AuthorityCertificate, Path.Combine(folder, "ca.crt"));
        var (resolver, _) = Resolver(_root);
        using (resolver)
        {
            var error = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse(_registries.MutualTlsAddress + "/mtls/refused:1"), s_amd64, CancellationToken.None));

            // On loopback, plain HTTP is tried after HTTPS fails (as dockerd does), so the HTTPS reason comes with a hint.
            Assert.Equal(RegistryError.RegistryUnavailable, error.Error);
            Assert.Contains(_registries.MutualTlsAddress, error.Message, StringComparison.Ordinal);
            Assert.Contains("If the registry requires a client certificate, put its pair (client.cert and client.key) into '" + folder + "'.", error.Message, StringComparison.Ordinal);
        }
    }

    [EngineTheory]
    [InlineData("client.cert", "the client certificate 'client.cert' has no key 'client.key' beside it (CA certificates must end in .crt).")]
    [InlineData("client.key", "the key 'client.key' has no client certificate 'client.cert' beside it.")]
    public async Task Half_a_client_pair_fails_the_registry_before_any_request_naming_the_missing_file(string kept, string problem)
    {
        var folder = Folder(_registries.MutualTlsAddress);
        File.Copy(Path.Combine(_registries.CertificatesDirectory, _registries.MutualTlsAddress, kept), Path.Combine(folder, kept));
        var (resolver, counters) = Resolver(_root);
        using (resolver)
        {
            var name = ImageReference.Parse(_registries.MutualTlsAddress + "/mtls/any:1");
            var error = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(name, s_amd64, CancellationToken.None));
            var again = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(name, s_amd64, CancellationToken.None));

            Assert.Equal(RegistryError.RegistryUnavailable, error.Error);
            Assert.Equal(
                $"The registry {_registries.MutualTlsAddress} is not asked: its certs.d folder '{folder}' cannot be used: {problem} " +
                "Fix the folder, or remove it to rely on the system's trust store alone.",
                error.Message);
            Assert.Equal(RegistryError.RegistryUnavailable, again.Error);
            Assert.Contains(problem, again.Message, StringComparison.Ordinal);
            Assert.Empty(counters.SelectMany(c => c.Answered));
        }
    }

    [Fact]
    public void A_folder_is_read_as_dockerd_reads_it_every_crt_a_ca_and_every_cert_with_its_key_a_client_certificate()
    {
        var authority = Path.Combine(_root, "ca");
        TestCertificates.CreateAuthority(authority, "First CA");
        var second = Path.Combine(_root, "ca2");
        TestCertificates.CreateAuthority(second, "Second CA");
        var folder = Folder("registry.example:5000");
        File.WriteAllText(Path.Combine(folder, "bundle.crt"), File.ReadAllText(Path.Combine(authority, "ca.pem")) + File.ReadAllText(Path.Combine(second, "ca.pem")));
        TestCertificates.CreateSigned(authority, folder, "b.cert", "b.key", "client-b", TestCertificates.KeyKind.EcSec1, "extendedKeyUsage=clientAuth");
        TestCertificates.CreateSigned(authority, folder, "a.cert", "a.key", "client-a", TestCertificates.KeyKind.RsaPkcs1, "extendedKeyUsage=clientAuth");
        File.WriteAllText(Path.Combine(folder, "README.txt"), "not a certificate");

        var certificates = RegistryCertificates.Load(_root, "registry.example:5000");

        Assert.Null(certificates.Problem);
        Assert.Equal(new[] { "CN=First CA", "CN=Second CA" }, certificates.Authorities.Select(c => c.Subject));
        Assert.Equal(new[] { "CN=client-a", "CN=client-b" }, certificates.ClientCertificates.Select(c => c.Subject));
        Assert.All(certificates.ClientCertificates, c => Assert.True(c.HasPrivateKey));
    }

    [Fact]
    public void A_key_that_belongs_to_another_certificate_makes_the_folder_unusable()
    {
        var authority = Path.Combine(_root, "ca");
        TestCertificates.CreateAuthority(authority);
        var folder = Folder("registry.example");
        var other = Path.Combine(_root, "other");
        TestCertificates.CreateSigned(authority, folder, "client.cert", "client.key", "client", TestCertificates.KeyKind.RsaPkcs8, "extendedKeyUsage=clientAuth");
        TestCertificates.CreateSigned(authority, other, "client.cert", "client.key", "other", TestCertificates.KeyKind.RsaPkcs8, "extendedKeyUsage=clientAuth");
        File.Copy(Path.Combine(other, "client.key"), Path.Combine(folder, "client.key"), overwrite: true);

        var certificates = RegistryCertificates.Load(_root, "registry.example");

        Assert.Equal("'client.key' cannot be used: the private key does not belong to the certificate '" + Path.Combine(folder, "client.cert") + "'.", certificates.Problem);
        Assert.Empty(certificates.ClientCertificates);
        Assert.Empty(certificates.Authorities);
    }

    [Fact]
    public void A_crt_file_that_holds_no_certificate_makes_the_folder_unusable()
    {
        var folder = Folder("registry.example");
        File.WriteAllText(Path.Combine(folder, "ca.crt"), "not PEM at all\n");

        var certificates = RegistryCertificates.Load(_root, "registry.example");

        Assert.Equal("'ca.crt' cannot be used: it holds no PEM 'CERTIFICATE' block.", certificates.Problem);
    }

    [Fact]
    public void No_folder_is_no_problem_and_no_certificates()
    {
        var certificates = RegistryCertificates.Load(_root, "absent.example");

        Assert.Null(certificates.Problem);
        Assert.Empty(certificates.Authorities);
        Assert.Empty(certificates.ClientCertificates);
    }

    private string Folder(string authority)
    {
        var folder = Path.Combine(_root, authority);
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static (RemoteImageResolver Resolver, ConcurrentQueue<CountingHandler> Counters) Resolver(string certificatesDirectory)
    {
        var counters = new ConcurrentQueue<CountingHandler>();
        var resolver = new RemoteImageResolver(
            new RegistryOptions { CertificatesDirectory = certificatesDirectory },
            inner =>
            {
                var counter = new CountingHandler(inner);
                counters.Enqueue(counter);
                return counter;
            });
        return (resolver, counters);
    }
}

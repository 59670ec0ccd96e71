using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Oci;
using ImgTrack.Registry;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.Core.Tests.Registry;

/// <summary>The resolver against real docker-registry 2.8 instances: plain, TLS with Basic auth, token auth, and the
/// plain one behind a fault-injecting proxy. Content is pushed with skopeo from OCI layouts the tests write.</summary>
[Collection(RegistryCollection.Name)]
public sealed class RegistryResolverTests
{
    private static readonly Platform s_amd64 = Platform.Parse("linux/amd64");
    private readonly RegistryFixture _registries;

    public RegistryResolverTests(RegistryFixture registries) => _registries = registries;

    [EngineFact]
    public async Task A_multi_platform_tag_is_its_index_digest_and_the_platforms_config_in_two_gets()
    {
        var configs = _registries.Push(_registries.PlainAddress, "multi/app:1", "linux/amd64", "linux/arm64/v8");
        var (resolver, counter) = Resolver();
        using (resolver)
        {
            var amd64 = await resolver.ResolveAsync(ImageReference.Parse(_registries.PlainAddress + "/multi/app:1"), s_amd64, CancellationToken.None);

            Assert.True(amd64.IsIndex);
            Assert.Equal("application/vnd.oci.image.index.v1+json", amd64.MediaType);
            Assert.Equal(configs["linux/amd64"], amd64.ImageId);
            Assert.Equal(_registries.PlainAddress + "/multi/app@" + amd64.Digest, amd64.RepoDigest);
            Assert.Equal("linux/amd64", amd64.Platform!.ToString());
            Assert.Null(amd64.Created);
            Assert.NotEqual(amd64.Digest, amd64.ManifestDigest);
            Assert.Equal(2, counter.GetsOf("/v2/"));
            Assert.Equal(0, counter.GetsOf("/blobs/"));

            var arm64 = await resolver.ResolveAsync(ImageReference.Parse(_registries.PlainAddress + "/multi/app:1"), Platform.Parse("linux/arm64/v8"), CancellationToken.None);
            Assert.Equal(configs["linux/arm64/v8"], arm64.ImageId);
            Assert.Equal(amd64.Digest, arm64.Digest);
            Assert.Equal(("arm64", "v8"), (arm64.Architecture, arm64.Variant));

            // The index was asked once for both platforms: one more GET, for the arm64 manifest.
            Assert.Equal(3, counter.GetsOf("/v2/"));
        }
    }

    [EngineFact]
    public async Task A_single_platform_tag_is_its_manifest_and_config_in_two_gets_and_a_name_asked_twice_is_asked_once()
    {
        var configs = _registries.Push(_registries.PlainAddress, "single/app:1", "linux/amd64");
        var (resolver, counter) = Resolver();
        using (resolver)
        {
            var name = ImageReference.Parse(_registries.PlainAddress + "/single/app:1");
            var first = await resolver.ResolveAsync(name, s_amd64, CancellationToken.None);
            var again = await resolver.ResolveAsync(name, s_amd64, CancellationToken.None);
            var byDigest = await resolver.ResolveAsync(ImageReference.Parse(_registries.PlainAddress + "/single/app@" + first.Digest), s_amd64, CancellationToken.None);

            Assert.False(first.IsIndex);
            Assert.Equal(configs["linux/amd64"], first.ImageId);
            Assert.Equal(first.Digest, first.ManifestDigest);
            Assert.NotNull(first.Created);
            Assert.Equal("linux/amd64", first.Platform!.ToString());
            Assert.Equal((first.ImageId, first.RepoDigest), (again.ImageId, again.RepoDigest));
            Assert.Equal((first.ImageId, first.RepoDigest), (byDigest.ImageId, byDigest.RepoDigest));
            Assert.Equal(1, counter.GetsOf("/manifests/"));
            Assert.Equal(1, counter.GetsOf("/blobs/"));
        }
    }

    [EngineFact]
    public async Task Absent_tags_and_platforms_are_classified()
    {
        _registries.Push(_registries.PlainAddress, "classified/app:1", "linux/amd64");
        _registries.Push(_registries.PlainAddress, "classified/multi:1", "linux/amd64", "linux/arm64/v8");
        var (resolver, _) = Resolver();
        using (resolver)
        {
            var missing = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse(_registries.PlainAddress + "/classified/app:nope"), s_amd64, CancellationToken.None));
            var noRepo = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse(_registries.PlainAddress + "/no/such:1"), s_amd64, CancellationToken.None));
            var single = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse(_registries.PlainAddress + "/classified/app:1"), Platform.Parse("linux/arm64"), CancellationToken.None));
            var index = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse(_registries.PlainAddress + "/classified/multi:1"), Platform.Parse("linux/s390x"), CancellationToken.None));

            Assert.Equal((RegistryError.ManifestNotFound, 404), (missing.Error, missing.StatusCode));
            Assert.Contains("MANIFEST_UNKNOWN", missing.Message, StringComparison.Ordinal);
            Assert.Equal(RegistryError.ManifestNotFound, noRepo.Error);
            Assert.Equal(RegistryError.PlatformNotFound, single.Error);
            Assert.Contains("linux/amd64", single.Message, StringComparison.Ordinal);
            Assert.Equal(RegistryError.PlatformNotFound, index.Error);
            Assert.Contains("linux/amd64, linux/arm64/v8", index.Message, StringComparison.Ordinal);
        }
    }

    [EngineFact]
    public async Task Basic_auth_over_tls_trusts_certs_d_and_sends_the_password_to_that_registry_only()
    {
        var configs = _registries.Push(_registries.TlsAddress, "basic/app:1", "linux/amd64", "linux/arm64/v8");
        var name = ImageReference.Parse(_registries.TlsAddress + "/basic/app:1");
        var credentials = new SingleRegistryCredentialProvider(_registries.TlsAddress, RegistryCredential.FromPassword(RegistryFixture.User, RegistryFixture.Password));
        var (resolver, counter) = Resolver(new RegistryOptions { CertificatesDirectory = _registries.CertificatesDirectory, Credentials = credentials });
        using (resolver)
        {
            var image = await resolver.ResolveAsync(name, s_amd64, CancellationToken.None);

            Assert.Equal(configs["linux/amd64"], image.ImageId);

            // The challenge, then index and manifest with Basic; all over HTTPS.
            Assert.Equal(new[] { "GET 401 ", "GET 200 Basic", "GET 200 Basic" }, counter.Answered.Select(a => $"{a.Method} {a.Status} {a.Authorization}"));
            Assert.All(counter.Answered, a => Assert.Equal("https", a.Uri.Scheme));
        }

        var (anonymous, _) = Resolver(new RegistryOptions { CertificatesDirectory = _registries.CertificatesDirectory });
        using (anonymous)
        {
            var refused = await Assert.ThrowsAsync<RegistryException>(() => anonymous.ResolveAsync(name, s_amd64, CancellationToken.None));
            Assert.Equal(RegistryError.RegistryUnauthorized, refused.Error);
            Assert.Equal("repository:basic/app:pull", refused.Scope);
            Assert.Contains("repository:basic/app:pull", refused.Message, StringComparison.Ordinal);
        }

        var wrong = new SingleRegistryCredentialProvider(_registries.TlsAddress, RegistryCredential.FromPassword(RegistryFixture.User, "wrong-" + RegistryFixture.Password));
        var (refusing, _) = Resolver(new RegistryOptions { CertificatesDirectory = _registries.CertificatesDirectory, Credentials = wrong });
        using (refusing)
        {
            var refused = await Assert.ThrowsAsync<RegistryException>(() => refusing.ResolveAsync(name, s_amd64, CancellationToken.None));
            Assert.Equal((RegistryError.RegistryUnauthorized, 401), (refused.Error, refused.StatusCode));
            Assert.DoesNotContain(RegistryFixture.Password, refused.ToString(), StringComparison.Ordinal);
        }
    }

    [EngineFact]
    public async Task A_tls_registry_whose_ca_is_not_trusted_is_unavailable_and_says_so()
    {
        _registries.Push(_registries.TlsAddress, "untrusted/app:1", "linux/amd64");
        var credentials = new SingleRegistryCredentialProvider(_registries.TlsAddress, RegistryCredential.FromPassword(RegistryFixture.User, RegistryFixture.Password));
        var (resolver, counter) = Resolver(new RegistryOptions { CertificatesDirectory = _registries.EmptyCertificatesDirectory, Credentials = credentials });
        using (resolver)
        {
            var error = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse(_registries.TlsAddress + "/untrusted/app:1"), s_amd64, CancellationToken.None));

            // Loopback: HTTPS failed on the certificate, then plain HTTP reached a TLS port. No credential went anywhere.
            Assert.Equal(RegistryError.RegistryUnavailable, error.Error);
            Assert.Contains("certificate", error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.All(counter.Answered, a => Assert.Null(a.Authorization));
        }
    }

    [EngineFact]
    public async Task Token_auth_costs_the_challenge_and_one_token_per_repository_scope()
    {
        var configs = _registries.Push(_registries.TokenAddress, "token/one:1", "linux/amd64", "linux/arm64/v8");
        _registries.Push(_registries.TokenAddress, "token/two:1", "linux/amd64");
        var before = _registries.Tokens.Requests.Count;
        var credentials = new SingleRegistryCredentialProvider(_registries.TokenAddress, RegistryCredential.FromPassword(RegistryFixture.User, RegistryFixture.Password));
        var (resolver, counter) = Resolver(new RegistryOptions { Credentials = credentials });
        using (resolver)
        {
            var one = await resolver.ResolveAsync(ImageReference.Parse(_registries.TokenAddress + "/token/one:1"), s_amd64, CancellationToken.None);
            var oneArm = await resolver.ResolveAsync(ImageReference.Parse(_registries.TokenAddress + "/token/one:1"), Platform.Parse("linux/arm64"), CancellationToken.None);
            var two = await resolver.ResolveAsync(ImageReference.Parse(_registries.TokenAddress + "/token/two:1"), s_amd64, CancellationToken.None);

            Assert.Equal(configs["linux/amd64"], one.ImageId);
            Assert.Equal(configs["linux/arm64/v8"], oneArm.ImageId);
            Assert.False(two.IsIndex);
            var registryCalls = counter.Answered.Where(a => a.Uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) == _registries.TokenAddress.Split(':')[1])
                .Select(a => $"{a.Uri.AbsolutePath.Split('/')[3]} {a.Uri.AbsolutePath.Split('/')[4]} {a.Status} {a.Authorization}").ToList();

            // one: challenge, index, manifest; one again (arm64): its manifest only; two: no challenge, manifest, config.
            Assert.Equal(
                new[] { "one manifests 401 ", "one manifests 200 Bearer", "one manifests 200 Bearer", "one manifests 200 Bearer", "two manifests 200 Bearer", "two blobs 200 Bearer" },
                registryCalls);
            var tokens = _registries.Tokens.Requests.Skip(before).ToList();
            Assert.Equal(2, tokens.Count);
            Assert.Contains("scope=repository%3Atoken%2Fone%3Apull", tokens[0].Target, StringComparison.Ordinal);
            Assert.Contains("scope=repository%3Atoken%2Ftwo%3Apull", tokens[1].Target, StringComparison.Ordinal);
            Assert.All(tokens, t => Assert.StartsWith("Basic ", t.Headers["Authorization"], StringComparison.Ordinal));
        }
    }

    [EngineFact]
    public async Task Token_auth_with_an_identity_token_and_without_credentials()
    {
        var configs = _registries.Push(_registries.TokenAddress, "token/refresh:1", "linux/amd64");
        var name = ImageReference.Parse(_registries.TokenAddress + "/token/refresh:1");
        var refresh = new SingleRegistryCredentialProvider(_registries.TokenAddress, RegistryCredential.FromIdentityToken(RegistryFixture.IdentityToken));
        var (resolver, _) = Resolver(new RegistryOptions { Credentials = refresh });
        using (resolver)
        {
            var before = _registries.Tokens.Requests.Count;
            Assert.Equal(configs["linux/amd64"], (await resolver.ResolveAsync(name, s_amd64, CancellationToken.None)).ImageId);
            var request = Assert.Single(_registries.Tokens.Requests.Skip(before));
            Assert.Equal("POST", request.Method);
            Assert.False(request.Headers.ContainsKey("Authorization"));
        }

        var (anonymous, _) = Resolver();
        using (anonymous)
        {
            var refused = await Assert.ThrowsAsync<RegistryException>(() => anonymous.ResolveAsync(name, s_amd64, CancellationToken.None));
            Assert.Equal(RegistryError.RegistryUnauthorized, refused.Error);
            Assert.Equal("repository:token/refresh:pull", refused.Scope);
        }
    }

    [EngineFact]
    public async Task Retries_5xx_and_honours_retry_after_on_429_then_answers()
    {
        _registries.Push(_registries.PlainAddress, "faults/retry:1", "linux/amd64", "linux/arm64/v8");
        var proxy = _registries.Proxy;
        proxy.Reset();

        var manifestAsks = 0;
        proxy.Plan = request => request.Path.Contains("/faults/retry/manifests/1", StringComparison.Ordinal)
            ? Interlocked.Increment(ref manifestAsks) switch
            {
                1 => new Fault.Status(503),
                2 => new Fault.Status(429, RetryAfterSeconds: 1),
                _ => null,
            }
            : null;
        var (resolver, _) = Resolver(new RegistryOptions { RetryDelay = TimeSpan.FromMilliseconds(50) });
        using (resolver)
        {
            var clock = Stopwatch.StartNew();
            var image = await resolver.ResolveAsync(ImageReference.Parse(proxy.Address + "/faults/retry:1"), s_amd64, CancellationToken.None);

            Assert.True(image.IsIndex);
            Assert.Equal(3, manifestAsks);
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), "Retry-After: 1 was not honoured: " + clock.Elapsed);
        }
    }

    [EngineFact]
    public async Task Persistent_5xx_fails_within_the_retry_budget()
    {
        var proxy = _registries.Proxy;
        proxy.Reset();
        proxy.Plan = request => request.Path.Contains("/faults/down/", StringComparison.Ordinal) ? new Fault.Status(500) : null;
        var (resolver, _) = Resolver(new RegistryOptions { RetryDelay = TimeSpan.FromMilliseconds(200), RetryBudget = TimeSpan.FromSeconds(2) });
        using (resolver)
        {
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse(proxy.Address + "/faults/down:1"), s_amd64, CancellationToken.None));

            Assert.Equal((RegistryError.RegistryUnavailable, 500), (error.Error, error.StatusCode));
            Assert.Contains("retries", error.Message, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), clock.Elapsed.ToString());
        }
    }

    [EngineFact]
    public async Task A_registry_that_accepts_and_never_answers_fails_within_the_request_timeout_and_is_not_asked_again()
    {
        var proxy = _registries.Proxy;
        proxy.Reset();
        proxy.Plan = request => request.Path.Contains("/faults/silent", StringComparison.Ordinal) ? new Fault.Silent() : null;
        var (resolver, _) = Resolver(new RegistryOptions { RequestTimeout = TimeSpan.FromSeconds(3) });
        using (resolver)
        {
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse(proxy.Address + "/faults/silent:1"), s_amd64, CancellationToken.None));
            var elapsed = clock.Elapsed;
            var next = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse(proxy.Address + "/faults/silent-too:1"), s_amd64, CancellationToken.None));

            Assert.Equal(RegistryError.RegistryUnavailable, error.Error);
            Assert.Contains("did not answer within 3 seconds", error.Message, StringComparison.Ordinal);
            Assert.InRange(elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(6));
            Assert.Equal(RegistryError.RegistryUnavailable, next.Error);
            Assert.Contains("not asked again", next.Message, StringComparison.Ordinal);
            Assert.True(clock.Elapsed - elapsed < TimeSpan.FromSeconds(1));
        }

        Assert.Equal(RegistryTimeoutDefaults.Request, new RegistryOptions().RequestTimeout);
        Assert.Equal(RegistryTimeoutDefaults.RetryBudget, new RegistryOptions().RetryBudget);
    }

    [EngineFact]
    public async Task Tampered_bytes_are_a_digest_mismatch_and_garbled_ones_unsupported()
    {
        _registries.Push(_registries.PlainAddress, "faults/tamper:1", "linux/amd64", "linux/arm64/v8");
        var proxy = _registries.Proxy;
        proxy.Reset();
        proxy.Plan = request => request.Path.EndsWith("/manifests/1", StringComparison.Ordinal) ? new Fault.Tamper() : null;
        var (resolver, _) = Resolver();
        using (resolver)
        {
            var tampered = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse(proxy.Address + "/faults/tamper:1"), s_amd64, CancellationToken.None));
            Assert.Equal(RegistryError.DigestMismatch, tampered.Error);
            Assert.Contains("Docker-Content-Digest", tampered.Message, StringComparison.Ordinal);

            // Asked by digest, a platform manifest with other bytes fails even when the registry sends no header for them.
            proxy.Plan = request => request.Path.Contains("/manifests/sha256:", StringComparison.Ordinal) ? new Fault.Garble() : null;
            var byDigest = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse(proxy.Address + "/faults/tamper:1"), Platform.Parse("linux/arm64"), CancellationToken.None));
            Assert.Equal(RegistryError.DigestMismatch, byDigest.Error);
        }

        proxy.Plan = request => request.Path.EndsWith("/manifests/1", StringComparison.Ordinal) ? new Fault.Garble() : null;
        var (fresh, _) = Resolver();
        using (fresh)
        {
            var garbled = await Assert.ThrowsAsync<RegistryException>(() => fresh.ResolveAsync(ImageReference.Parse(proxy.Address + "/faults/tamper:1"), s_amd64, CancellationToken.None));
            Assert.Equal(RegistryError.UnsupportedManifest, garbled.Error);
        }
    }

    [EngineFact]
    public async Task A_manifest_redirect_to_another_host_is_not_followed()
    {
        var proxy = _registries.Proxy;
        proxy.Reset();
        proxy.Plan = request => request.Path.Contains("/faults/redirect/", StringComparison.Ordinal) ? new Fault.Redirect("http://127.0.0.2:9/elsewhere") : null;
        var (resolver, counter) = Resolver(new RegistryOptions { Credentials = new SingleRegistryCredentialProvider(proxy.Address, RegistryCredential.FromPassword("u", "p")) });
        using (resolver)
        {
            var error = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse(proxy.Address + "/faults/redirect:1"), s_amd64, CancellationToken.None));

            Assert.Equal(RegistryError.RegistryUnavailable, error.Error);
            Assert.Contains("127.0.0.2", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(counter.Answered, a => a.Uri.Host == "127.0.0.2");
        }
    }

    [EngineFact]
    public async Task A_refused_connection_is_unavailable()
    {
        var (resolver, _) = Resolver(new RegistryOptions { RetryDelay = TimeSpan.FromMilliseconds(50), RetryBudget = TimeSpan.FromSeconds(1) });
        using (resolver)
        {
            var error = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse("127.0.0.1:9/nothing/here:1"), s_amd64, CancellationToken.None));

            Assert.Equal(RegistryError.RegistryUnavailable, error.Error);
            Assert.Contains("127.0.0.1:9", error.Message, StringComparison.Ordinal);
        }
    }

    [EngineFact]
    public async Task Cancellation_ends_a_request_in_flight()
    {
        var proxy = _registries.Proxy;
        proxy.Reset();
        proxy.Plan = request => request.Path.Contains("/faults/cancel", StringComparison.Ordinal) ? new Fault.Silent() : null;
        var (resolver, _) = Resolver();
        using (resolver)
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
        {
            var clock = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resolver.ResolveAsync(ImageReference.Parse(proxy.Address + "/faults/cancel:1"), s_amd64, cancel.Token));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), clock.Elapsed.ToString());
        }
    }

    private static (RemoteImageResolver Resolver, CountingHandler Counter) Resolver(RegistryOptions? options = null)
    {
        CountingHandler? counter = null;
        var resolver = new RemoteImageResolver(options ?? new RegistryOptions(), inner => counter = new CountingHandler(inner));
        return (resolver, counter!);
    }
}

/// <summary>The defaults issue 9 names.</summary>
internal static class RegistryTimeoutDefaults
{
    public static readonly TimeSpan Request = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan RetryBudget = TimeSpan.FromSeconds(30);
}

/// <summary>One set of registries for every registry test class.</summary>
[CollectionDefinition(Name)]
public sealed class RegistryCollection : ICollectionFixture<RegistryFixture>
{
    public const string Name = "Registries";
}

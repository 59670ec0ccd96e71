using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Oci;
using ImgTrack.Registry;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.Core.Tests.Registry;

/// <summary>Fake registries that answer in ways a real one should not: what reaches the error message, and how long it takes.</summary>
public sealed class HostileRegistryTests
{
    private static readonly Platform s_amd64 = Platform.Parse("linux/amd64");

    [Fact]
    public async Task A_registry_that_echoes_the_request_does_not_put_the_credentials_into_the_message()
    {
        const string Basic = "dXNlcjpzM2NyZXQtcGFzc3dvcmQ="; // user:s3cret-password
        using var registry = new MiniHttpServer(request => Task.FromResult<MiniResponse?>(
            request.Headers.TryGetValue("Authorization", out var sent)
                ? MiniResponse.Json(404, "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"no such repository; request was GET " + request.Target
                    + " Authorization: " + sent + " password=s3cret-password " + new string('.', 5000) + "\"}]}")
                : MiniResponse.Json(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}", ("WWW-Authenticate", "Basic realm=\"fake\""))));
        using var resolver = new RemoteImageResolver(new RegistryOptions
        {
            Credentials = new SingleRegistryCredentialProvider(registry.Address, RegistryCredential.FromPassword("user", "s3cret-password")),
        });

        var error = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse(registry.Address + "/team/app:1"), s_amd64, CancellationToken.None));

        Assert.Equal(RegistryError.ManifestNotFound, error.Error);
        Assert.Contains(registry.Requests, r => r.Headers.TryGetValue("Authorization", out var a) && a == "Basic " + Basic);
        Assert.DoesNotContain(Basic, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-password", error.Message, StringComparison.Ordinal);
        Assert.Contains("NAME_UNKNOWN", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 1000, error.Message.Length + ": " + error.Message);
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_timeout_is_not_waited_for_and_the_503_is_reported()
    {
        using var registry = new MiniHttpServer(_ => Task.FromResult<MiniResponse?>(
            MiniResponse.Json(503, "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"maintenance\"}]}", ("Retry-After", "20"))));
        using var resolver = new RemoteImageResolver(new RegistryOptions { RequestTimeout = TimeSpan.FromSeconds(3) });
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse(registry.Address + "/team/app:1"), s_amd64, CancellationToken.None));

        Assert.Equal((RegistryError.RegistryUnavailable, 503), (error.Error, error.StatusCode));
        Assert.Contains("maintenance", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task A_retry_after_within_the_timeout_is_waited_for()
    {
        var asks = 0;
        using var registry = new MiniHttpServer(request => Task.FromResult<MiniResponse?>(
            request.Path.Contains("/manifests/", StringComparison.Ordinal) && Interlocked.Increment(ref asks) == 1
                ? MiniResponse.Json(429, "{}", ("Retry-After", "1"))
                : MiniResponse.Json(404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}")));
        using var resolver = new RemoteImageResolver(new RegistryOptions { RequestTimeout = TimeSpan.FromSeconds(10) });
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse(registry.Address + "/team/app:1"), s_amd64, CancellationToken.None));

        Assert.Equal(RegistryError.ManifestNotFound, error.Error);
        Assert.Equal(2, asks);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task An_index_of_5000_platforms_without_ours_is_a_short_message()
    {
        var entries = Enumerable.Range(0, 5000).Select(i =>
            "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture)
            + "\",\"size\":100,\"platform\":{\"os\":\"linux\",\"architecture\":\"arch" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"}}");
        var index = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[" + string.Join(",", entries) + "]}");
        using var registry = new MiniHttpServer(_ => Task.FromResult<MiniResponse?>(
            new MiniResponse(200, index, ("Content-Type", "application/vnd.oci.image.index.v1+json"))));
        using var resolver = new RemoteImageResolver();

        var error = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse(registry.Address + "/many/platforms:1"), s_amd64, CancellationToken.None));

        Assert.Equal(RegistryError.PlatformNotFound, error.Error);
        Assert.Contains("linux/arch0, linux/arch1", error.Message, StringComparison.Ordinal);
        Assert.Contains("4988", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 1000, error.Message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Oci;
using ImgTrack.Registry;
using ImgTrack.Tests;

namespace ImgTrack.RegistryBenchmark;

/// <summary>
/// Issue 9's speed check. (1) Requests per name: one multi-platform and one single-platform name, asked through the
/// fixture's counting proxy by the resolver (fresh, so nothing is cached) and by <c>skopeo inspect</c>. (2) N distinct
/// two-platform images (default 100) in one registry: the resolver (one instance, throttled like the cmdlet) against a
/// loop of <c>skopeo inspect</c>, one process per name. Options: <c>--names N</c>, <c>--throttle N</c>, <c>--runs N</c>.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var names = Option(args, "--names", 100);
        var throttle = Option(args, "--throttle", 16);
        var runs = Option(args, "--runs", 3);
        var unavailable = EngineAvailability.WhyUnavailable();
        if (unavailable is not null)
        {
            Console.Error.WriteLine("benchmark: " + unavailable);
            return 2;
        }

        Console.WriteLine($"ImgTrack registry benchmark: docker-registry {Version("docker-registry", "--version")}, {Version("skopeo", "--version")}, {Environment.ProcessorCount} CPUs");
        using var registries = new RegistryFixture();
        registries.Push(registries.PlainAddress, "bench/multi:1", "linux/amd64", "linux/arm64/v8");
        registries.Push(registries.PlainAddress, "bench/single:1", "linux/amd64");

        Console.WriteLine("requests per name (counted by the proxy; anonymous, plain HTTP on loopback):");
        foreach (var repository in new[] { "bench/multi:1", "bench/single:1" })
        {
            var name = registries.ProxyAddress + "/" + repository;
            registries.Proxy.Reset();
            var tlsBefore = registries.Proxy.NonHttpConnections;
            using (var resolver = new RemoteImageResolver())
            {
                await resolver.ResolveAsync(ImageReference.Parse(name), Platform.Parse("linux/amd64"), CancellationToken.None);
            }

            var ours = registries.Proxy.Requests;
            var tlsAttempts = registries.Proxy.NonHttpConnections - tlsBefore;
            registries.Proxy.Reset();
            OciLayout.Skopeo("--insecure-policy", "--override-os", "linux", "--override-arch", "amd64", "inspect", "--tls-verify=false", "docker://" + name);
            var theirs = registries.Proxy.Requests;
            Console.WriteLine($"  {repository,-15} resolver {ours.Count} ({Paths(ours)}; plus {tlsAttempts} TLS attempt, once per registry per run) | skopeo inspect {theirs.Count} ({Paths(theirs)})");
        }

        var created = Stopwatch.StartNew();
        await CreateImagesAsync(registries.PlainAddress, names);
        Console.WriteLine($"created {names} two-platform images (bench/many:0..{names - 1}) through the registry API in {created.Elapsed.TotalSeconds:F1} s");
        var references = Enumerable.Range(0, names).Select(i => ImageReference.Parse($"{registries.PlainAddress}/bench/many:{i}")).ToList();

        var resolverTimes = new List<double>();
        var sequentialTimes = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            resolverTimes.Add(await TimeResolverAsync(references, throttle));
            sequentialTimes.Add(await TimeResolverAsync(references, 1));
        }

        var skopeo = Stopwatch.StartNew();
        foreach (var reference in references)
        {
            OciLayout.Skopeo("--insecure-policy", "--override-os", "linux", "--override-arch", "amd64", "inspect", "--tls-verify=false", "docker://" + reference.Original);
        }

        var skopeoSeconds = skopeo.Elapsed.TotalSeconds;
        Console.WriteLine($"{names} names in one registry (median of {runs} runs, fresh resolver each):");
        Console.WriteLine($"  RemoteImageResolver, {throttle} at a time: {Median(resolverTimes):F3} s ({Median(resolverTimes) * 1000 / names:F1} ms/name)");
        Console.WriteLine($"  RemoteImageResolver, one at a time:  {Median(sequentialTimes):F3} s ({Median(sequentialTimes) * 1000 / names:F1} ms/name)");
        Console.WriteLine($"  loop of skopeo inspect (1 run):      {skopeoSeconds:F3} s ({skopeoSeconds * 1000 / names:F1} ms/name)");
        Console.WriteLine($"  speed-up: {skopeoSeconds / Median(resolverTimes):F0}x throttled, {skopeoSeconds / Median(sequentialTimes):F0}x one at a time");
        return 0;
    }

    private static async Task<double> TimeResolverAsync(IReadOnlyList<ImageReference> references, int throttle)
    {
        using var resolver = new RemoteImageResolver();
        using var gate = new SemaphoreSlim(throttle);
        var platform = Platform.Parse("linux/amd64");
        var clock = Stopwatch.StartNew();
        var tasks = references.Select(async reference =>
        {
            await gate.WaitAsync();
            try
            {
                return await resolver.ResolveAsync(reference, platform, CancellationToken.None);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        var images = await Task.WhenAll(tasks);
        var seconds = clock.Elapsed.TotalSeconds;
        if (images.Select(i => i.ImageId).Distinct().Count() != references.Count)
        {
            throw new InvalidOperationException("Expected one distinct image ID per name.");
        }

        return seconds;
    }

    /// <summary>Pushes N two-platform OCI indexes with the registry API (monolithic blob uploads), far faster than N skopeo runs.</summary>
    private static async Task CreateImagesAsync(string registry, int count)
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://" + registry) };
        for (var i = 0; i < count; i++)
        {
            var manifests = new List<object>();
            foreach (var (arch, variant) in new[] { ("amd64", (string?)null), ("arm64", "v8") })
            {
                var layer = Encoding.UTF8.GetBytes($"layer {i} {arch} {Guid.NewGuid():N}");
                var config = JsonSerializer.SerializeToUtf8Bytes(new { architecture = arch, os = "linux", variant, rootfs = new { type = "layers", diff_ids = new[] { Digest(layer) } } });
                await UploadAsync(http, layer);
                await UploadAsync(http, config);
                var manifest = JsonSerializer.SerializeToUtf8Bytes(new
                {
                    schemaVersion = 2,
                    mediaType = "application/vnd.oci.image.manifest.v1+json",
                    config = new { mediaType = "application/vnd.oci.image.config.v1+json", digest = Digest(config), size = config.Length },
                    layers = new[] { new { mediaType = "application/vnd.oci.image.layer.v1.tar", digest = Digest(layer), size = layer.Length } },
                });
                await PutManifestAsync(http, Digest(manifest), manifest, "application/vnd.oci.image.manifest.v1+json");
                manifests.Add(new { mediaType = "application/vnd.oci.image.manifest.v1+json", digest = Digest(manifest), size = manifest.Length, platform = new { architecture = arch, os = "linux", variant } });
            }

            var index = JsonSerializer.SerializeToUtf8Bytes(new { schemaVersion = 2, mediaType = "application/vnd.oci.image.index.v1+json", manifests });
            await PutManifestAsync(http, i.ToString(CultureInfo.InvariantCulture), index, "application/vnd.oci.image.index.v1+json");
        }
    }

    private static async Task UploadAsync(HttpClient http, byte[] blob)
    {
        using var start = await http.PostAsync("/v2/bench/many/blobs/uploads/", null);
        start.EnsureSuccessStatusCode();
        var location = start.Headers.Location!;
        var target = new UriBuilder(location.IsAbsoluteUri ? location : new Uri(http.BaseAddress!, location));
        target.Query = (target.Query.Length > 1 ? target.Query[1..] + "&" : string.Empty) + "digest=" + Uri.EscapeDataString(Digest(blob));
        using var content = new ByteArrayContent(blob);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await http.PutAsync(target.Uri, content);
        put.EnsureSuccessStatusCode();
    }

    private static async Task PutManifestAsync(HttpClient http, string reference, byte[] manifest, string mediaType)
    {
        using var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var put = await http.PutAsync("/v2/bench/many/manifests/" + reference, content);
        put.EnsureSuccessStatusCode();
    }

    private static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    private static string Paths(IReadOnlyList<MiniRequest> requests) =>
        string.Join(", ", requests.Select(r => r.Method + " " + Shorten(r.Path)));

    private static string Shorten(string path)
    {
        var at = path.IndexOf("sha256:", StringComparison.Ordinal);
        return at < 0 ? path : path[..(at + 11)] + "…";
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
    }

    private static string Version(string program, string argument)
    {
        var start = new ProcessStartInfo(program, argument) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return text;
    }
}

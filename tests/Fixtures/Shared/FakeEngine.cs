using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace ImgTrack.Tests;

/// <summary>One image a <see cref="FakeEngine"/> has.</summary>
public sealed class FakeImage
{
    /// <summary>The image ID (<c>sha256:…</c>): the config digest, or on the containerd store the target's digest.</summary>
    public required string Id { get; init; }

    /// <summary>Tags (<c>repo:tag</c>).</summary>
    public IReadOnlyList<string> RepoTags { get; init; } = Array.Empty<string>();

    /// <summary>Repo digests (<c>repo@sha256:…</c>).</summary>
    public IReadOnlyList<string> RepoDigests { get; init; } = Array.Empty<string>();

    /// <summary>The platform the engine reports for the image.</summary>
    public string Os { get; init; } = "linux";

    /// <summary>The architecture the engine reports for the image.</summary>
    public string Architecture { get; init; } = "amd64";

    /// <summary>The variant, if any.</summary>
    public string? Variant { get; init; }

    /// <summary>Size in bytes.</summary>
    public long Size { get; init; } = 1234;

    /// <summary>Creation time.</summary>
    public DateTimeOffset Created { get; init; } = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>The containerd store's <c>Descriptor</c> of the image's target (index or manifest), or null (classic store).</summary>
    public FakeDescriptor? Descriptor { get; init; }

    /// <summary>The containerd store's <c>Manifests</c> (answered only with <c>manifests=1</c>, API 1.48+).</summary>
    public IReadOnlyList<FakeManifest> Manifests { get; init; } = Array.Empty<FakeManifest>();
}

/// <summary>An OCI descriptor as the Engine API writes it (<c>OCIDescriptor</c>: mediaType, digest, size, platform).</summary>
public sealed record FakeDescriptor(string MediaType, string Digest, long Size, string? Os = null, string? Architecture = null, string? Variant = null);

/// <summary>One <c>ImageManifestSummary</c> (API 1.47+): a platform manifest or an attestation.</summary>
public sealed record FakeManifest(FakeDescriptor Descriptor, string Kind, bool Available, string? Os = null, string? Architecture = null, string? Variant = null, string? AttestationFor = null);

/// <summary>
/// A Docker engine of the test's own on a loopback port (<see cref="MiniHttpServer"/>), answering <c>/_ping</c>,
/// <c>/version</c>, <c>/info</c>, <c>/images/json</c> and <c>/images/{name}/json</c> with the fields and types the
/// Engine API documents (docs/api/v1.41.yaml to v1.51.yaml in moby/moby: <c>SystemVersion</c>, <c>SystemInfo</c>,
/// <c>ImageSummary</c>, <c>ImageInspect</c> with <c>Descriptor</c> and <c>Manifests</c>, <c>ImageManifestSummary</c>,
/// <c>ErrorResponse</c>). For what no engine here can show: old API versions, the containerd image store, faults.
/// </summary>
public sealed class FakeEngine : IDisposable
{
    /// <summary>The containerd snapshotter's driver type, as <c>/info</c> DriverStatus reports it.</summary>
    public const string ContainerdSnapshotter = "io.containerd.snapshotter.v1";

    private readonly MiniHttpServer _server;
    private readonly ConcurrentDictionary<string, bool> _removed = new(StringComparer.Ordinal);

    /// <summary>Starts listening on 127.0.0.1 and a free port.</summary>
    public FakeEngine()
    {
        _server = new MiniHttpServer(HandleAsync);
    }

    /// <summary><c>tcp://127.0.0.1:PORT</c>.</summary>
    public string DockerHost => "tcp://" + _server.Address;

    /// <summary>What <c>/version</c> says as <c>ApiVersion</c> (and <c>/_ping</c> as <c>API-Version</c>).</summary>
    public string ApiVersion { get; set; } = "1.41";

    /// <summary>What <c>/version</c> says as <c>MinAPIVersion</c>.</summary>
    public string MinApiVersion { get; set; } = "1.12";

    /// <summary>What <c>/version</c> says as <c>Version</c>.</summary>
    public string EngineVersion { get; set; } = "20.10.24";

    /// <summary>What <c>/info</c> says as <c>Name</c>.</summary>
    public string HostName { get; set; } = "fake-engine";

    /// <summary>True: <c>/info</c> DriverStatus says <c>driver-type</c> <see cref="ContainerdSnapshotter"/>.</summary>
    public bool ContainerdStore { get; set; }

    /// <summary>The images, in list order.</summary>
    public List<FakeImage> Images { get; } = new();

    /// <summary>Runs first for every request; a non-null answer is sent instead of the engine's own.</summary>
    public Func<MiniRequest, MiniResponse?>? Override { get; set; }

    /// <summary>Runs before <see cref="Override"/>; requests it returns true for are never answered (a frozen engine).</summary>
    public Func<MiniRequest, bool>? NeverAnswer { get; set; }

    /// <summary>Every request read, in order.</summary>
    public ConcurrentQueue<MiniRequest> Requests => _server.Requests;

    /// <summary>How long the engine takes before its first answer (<c>/_ping</c>, <c>/version</c>): a busy engine, or a
    /// socket-activated Podman starting on the first connection.</summary>
    public TimeSpan FirstAnswerDelay { get; set; }

    /// <summary>
    /// An image list answer of <paramref name="bytes"/> bytes, written as it goes (never held in memory): entries of
    /// distinct images with long distinct tags, as a hostile or broken engine could send without end.
    /// </summary>
    public static MiniResponse HostileList(long bytes) => new(200, null, ("Content-Type", "application/json"))
    {
        StreamLength = bytes,
        StreamBody = async (stream, token) =>
        {
            var written = 0L;
            var chunk = new StringBuilder(1 << 20);
            var n = 0L;
            chunk.Append('[');
            while (written + chunk.Length < bytes)
            {
                var id = n.ToString("x64", CultureInfo.InvariantCulture);
                chunk.Append(n == 0 ? string.Empty : ",").Append("{\"Id\":\"sha256:").Append(id).Append("\",\"RepoTags\":[\"team/app-")
                    .Append(id, 0, 40).Append(":1\",\"team/app-").Append(id, 0, 40).Append(":2\"],\"RepoDigests\":[],\"Created\":1767322945,\"Size\":1}");
                n++;
                if (chunk.Length > (1 << 20) - 512)
                {
                    var data = Encoding.ASCII.GetBytes(chunk.ToString());
                    await stream.WriteAsync(data, token);
                    written += data.Length;
                    chunk.Clear();
                }
            }

            // Pad to the announced length; the list is left unclosed when the limit is reached first.
            var rest = bytes - written;
            var tail = Encoding.ASCII.GetBytes(chunk.ToString());
            await stream.WriteAsync(tail.AsMemory(0, (int)Math.Min(rest, tail.Length)), token);
            rest -= Math.Min(rest, tail.Length);
            var spaces = new byte[1 << 16];
            Array.Fill(spaces, (byte)' ');
            while (rest > 0)
            {
                var count = (int)Math.Min(rest, spaces.Length);
                await stream.WriteAsync(spaces.AsMemory(0, count), token);
                rest -= count;
            }
        },
    };

    /// <summary>Removes an image for inspect requests only: the list still has it (a <c>docker rmi</c> between the two).</summary>
    public void RemoveAfterList(string id) => _removed[id] = true;

    /// <inheritdoc />
    public void Dispose() => _server.Dispose();

    private async Task<MiniResponse?> HandleAsync(MiniRequest request)
    {
        if (NeverAnswer?.Invoke(request) == true)
        {
            return null;
        }

        if (FirstAnswerDelay > TimeSpan.Zero && Interlocked.Exchange(ref _answeredOnce, 1) == 0)
        {
            await Task.Delay(FirstAnswerDelay);
        }

        return Override?.Invoke(request) ?? Answer(request);
    }

    private int _answeredOnce;
    private Dictionary<string, FakeImage>? _byId;

    private MiniResponse Answer(MiniRequest request)
    {
        var path = request.Path;
        if (request.Method is not ("GET" or "HEAD"))
        {
            return Error(405, "method not allowed");
        }

        // Unversioned paths, or /v1.xx/… as clients that pin a version send them.
        if (path.StartsWith("/v1.", StringComparison.Ordinal))
        {
            path = path.Substring(path.IndexOf('/', 1));
        }

        if (path == "/_ping")
        {
            return new MiniResponse(200, Encoding.ASCII.GetBytes("OK"), ("API-Version", ApiVersion), ("Docker-Experimental", "false"), ("Ostype", "linux"), ("Server", "Docker/" + EngineVersion + " (linux)"), ("Content-Type", "text/plain; charset=utf-8"));
        }

        if (path == "/version")
        {
            return Json(new Dictionary<string, object?>
            {
                ["Platform"] = new Dictionary<string, object?> { ["Name"] = "Docker Engine - Community" },
                ["Components"] = new[] { new Dictionary<string, object?> { ["Name"] = "Engine", ["Version"] = EngineVersion, ["Details"] = new Dictionary<string, object?> { ["ApiVersion"] = ApiVersion, ["MinAPIVersion"] = MinApiVersion, ["Os"] = "linux", ["Arch"] = "amd64" } } },
                ["Version"] = EngineVersion,
                ["ApiVersion"] = ApiVersion,
                ["MinAPIVersion"] = MinApiVersion,
                ["GitCommit"] = "48a66213fe",
                ["GoVersion"] = "go1.22.7",
                ["Os"] = "linux",
                ["Arch"] = "amd64",
                ["KernelVersion"] = "6.1.0-fake",
                ["Experimental"] = false,
                ["BuildTime"] = "2026-01-01T00:00:00.000000000+00:00",
            });
        }

        if (path == "/info")
        {
            var driverStatus = ContainerdStore
                ? new[] { new[] { "driver-type", ContainerdSnapshotter } }
                : new[] { new[] { "Backing Filesystem", "extfs" }, new[] { "Supports d_type", "true" } };
            return Json(new Dictionary<string, object?>
            {
                ["ID"] = "7TRN:IPZB:QYBB:VPBQ:UWSJ:KD6M:2Z2E:TRD2:4VUX:ZOPN:FAKE:0000",
                ["Containers"] = 0,
                ["Images"] = Images.Count,
                ["Driver"] = ContainerdStore ? "overlayfs" : "overlay2",
                ["DriverStatus"] = driverStatus,
                ["OSType"] = "linux",
                ["Architecture"] = "x86_64",
                ["Name"] = HostName,
                ["ServerVersion"] = EngineVersion,
            });
        }

        if (path == "/images/json")
        {
            return Json(Images.Select(image => new Dictionary<string, object?>
            {
                ["Id"] = image.Id,
                ["ParentId"] = string.Empty,
                ["RepoTags"] = image.RepoTags,
                ["RepoDigests"] = image.RepoDigests,
                ["Created"] = image.Created.ToUnixTimeSeconds(),
                ["Size"] = image.Size,
                ["SharedSize"] = -1,
                ["Labels"] = new Dictionary<string, string>(),
                ["Containers"] = -1,
            }).ToArray());
        }

        if (path.StartsWith("/images/", StringComparison.Ordinal) && path.EndsWith("/json", StringComparison.Ordinal))
        {
            var name = path.Substring("/images/".Length, path.Length - "/images/".Length - "/json".Length);
            var image = Find(name);
            if (image is null || _removed.ContainsKey(image.Id))
            {
                return Error(404, "No such image: " + name);
            }

            var manifests = request.Target.Contains("manifests=1", StringComparison.Ordinal) || request.Target.Contains("manifests=true", StringComparison.Ordinal);
            return Json(Inspect(image, manifests && ContainerdStore && AtLeast(ApiVersion, 1, 48)));
        }

        return Error(404, "page not found");
    }

    private FakeImage? Find(string name)
    {
        // Full IDs by index: -All inspects every listed image, and a 200,000-image engine must not search each time.
        if (name.StartsWith("sha256:", StringComparison.Ordinal) && name.Length == 71)
        {
            var index = _byId;
            if (index is null || index.Count != Images.Count)
            {
                index = new Dictionary<string, FakeImage>(StringComparer.Ordinal);
                foreach (var each in Images)
                {
                    index.TryAdd(each.Id, each);
                }

                _byId = index;
            }

            return index.GetValueOrDefault(name);
        }

        var tagged = name.LastIndexOf(':') > name.LastIndexOf('/') ? name : name + ":latest";
        var byName = Images.FirstOrDefault(i => i.RepoTags.Contains(name) || i.RepoTags.Contains(tagged) || i.RepoDigests.Contains(name));
        if (byName is not null)
        {
            return byName;
        }

        var id = name.StartsWith("sha256:", StringComparison.Ordinal) ? name : "sha256:" + name;
        var byId = Images.Where(i => i.Id.StartsWith(id, StringComparison.Ordinal)).ToList();
        return byId.Count == 1 ? byId[0] : null;
    }

    private static Dictionary<string, object?> Inspect(FakeImage image, bool withManifests)
    {
        var inspect = new Dictionary<string, object?>
        {
            ["Id"] = image.Id,
        };
        if (image.Descriptor is { } descriptor)
        {
            inspect["Descriptor"] = Descriptor(descriptor);
        }

        if (withManifests)
        {
            inspect["Manifests"] = image.Manifests.Select(m => new Dictionary<string, object?>
            {
                ["ID"] = m.Descriptor.Digest,
                ["Descriptor"] = Descriptor(m.Descriptor),
                ["Available"] = m.Available,
                ["Size"] = new Dictionary<string, object?> { ["Total"] = 8192, ["Content"] = 4096 },
                ["Kind"] = m.Kind,
                ["ImageData"] = m.Kind == "image"
                    ? new Dictionary<string, object?>
                    {
                        ["Platform"] = Platform(m.Os, m.Architecture, m.Variant),
                        ["Containers"] = Array.Empty<string>(),
                        ["Size"] = new Dictionary<string, object?> { ["Unpacked"] = 4096 },
                    }
                    : null,
                ["AttestationData"] = m.Kind == "attestation" ? new Dictionary<string, object?> { ["For"] = m.AttestationFor } : null,
            }).ToArray();
        }

        inspect["RepoTags"] = image.RepoTags;
        inspect["RepoDigests"] = image.RepoDigests;
        inspect["Parent"] = string.Empty;
        inspect["Comment"] = string.Empty;
        inspect["Created"] = image.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture);
        inspect["DockerVersion"] = string.Empty;
        inspect["Author"] = string.Empty;
        inspect["Config"] = new Dictionary<string, object?> { ["Env"] = new[] { "PATH=/usr/bin" }, ["Cmd"] = new[] { "sh" }, ["Labels"] = null };
        inspect["Architecture"] = image.Architecture;
        if (image.Variant is not null)
        {
            inspect["Variant"] = image.Variant;
        }

        inspect["Os"] = image.Os;
        inspect["Size"] = image.Size;
        inspect["GraphDriver"] = new Dictionary<string, object?> { ["Name"] = "overlay2", ["Data"] = new Dictionary<string, string>() };
        inspect["RootFS"] = new Dictionary<string, object?> { ["Type"] = "layers", ["Layers"] = new[] { "sha256:" + new string('a', 64) } };
        inspect["Metadata"] = new Dictionary<string, object?> { ["LastTagTime"] = "0001-01-01T00:00:00Z" };
        return inspect;
    }

    private static Dictionary<string, object?> Descriptor(FakeDescriptor descriptor)
    {
        var json = new Dictionary<string, object?>
        {
            ["mediaType"] = descriptor.MediaType,
            ["digest"] = descriptor.Digest,
            ["size"] = descriptor.Size,
        };
        if (descriptor.Os is not null)
        {
            json["platform"] = Platform(descriptor.Os, descriptor.Architecture, descriptor.Variant);
        }

        return json;
    }

    private static Dictionary<string, object?> Platform(string? os, string? architecture, string? variant)
    {
        var platform = new Dictionary<string, object?> { ["architecture"] = architecture, ["os"] = os };
        if (variant is not null)
        {
            platform["variant"] = variant;
        }

        return platform;
    }

    private static bool AtLeast(string version, int major, int minor)
    {
        var parts = version.Split('.');
        return parts.Length == 2 && int.TryParse(parts[0], out var a) && int.TryParse(parts[1], out var b) && (a > major || (a == major && b >= minor));
    }

    private MiniResponse Json(object value) =>
        MiniResponse.Json(200, JsonSerializer.Serialize(value), ("Api-Version", ApiVersion), ("Server", "Docker/" + EngineVersion + " (linux)"));

    private static MiniResponse Error(int status, string message) =>
        MiniResponse.Json(status, JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message }));
}

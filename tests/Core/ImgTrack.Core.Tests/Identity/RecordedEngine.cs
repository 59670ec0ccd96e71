using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Engine;
using ImgTrack.Identity;
using ImgTrack.Tests;

namespace ImgTrack.Core.Tests.Identity;

/// <summary>
/// An <see cref="IImageEngine"/> that answers from engine JSON recorded on Debian's dockerd 20.10.24 (API 1.41):
/// <c>/images/json</c> and <c>/images/{id}/json</c>, saved under Identity/Recorded. It maps the JSON the way the
/// engine seam promises (placeholders dropped, list Created in Unix seconds, inspect Created in RFC 3339), resolves
/// names and ID prefixes as dockerd does for these images, and lets tests delay, fail and count calls.
/// </summary>
internal sealed class RecordedEngine : IImageEngine
{
    public const string RecordedHostName = "vm";

    private readonly List<ImageSummary> _list;
    private readonly List<ImageFacts> _details;
    private int _running;
    private int _maxRunning;

    public RecordedEngine(string listFile, params string[] inspectFiles)
    {
        _list = listFile is null ? new List<ImageSummary>() : ReadList(listFile);
        _details = inspectFiles.SelectMany(ReadInspect).ToList();
    }

    /// <summary>The dockerd 20.10 recording: a pushed image with two repositories, an untagged one, a never-pushed one.</summary>
    public static RecordedEngine Dockerd2010() => new("dockerd-20.10-images.json", "dockerd-20.10-inspect.json");

    /// <summary>The Docker 20.10.17 inspect answer the seed (003) prints for amazonlinux, pulled from Docker Hub.</summary>
    public static RecordedEngine SeedAmazonLinux() => new(null!, "seed003-amazonlinux-inspect.json");

    public string Endpoint => "unix:///recorded/docker.sock";

    public EngineInfo Info { get; set; } = new("unix:///recorded/docker.sock", "20.10.24+dfsg1", "1.41", RecordedHostName, false);

    /// <summary>Runs inside every inspect call before it answers (delays, gates, failures).</summary>
    public Func<string, CancellationToken, Task>? BeforeInspect { get; set; }

    public ConcurrentQueue<string> InspectCalls { get; } = new();

    public int ListCalls;

    public int MaxConcurrentInspects => Volatile.Read(ref _maxRunning);

    public IReadOnlyList<ImageFacts> AllDetails => _details;

    public Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken) => Task.FromResult(Info);

    public Task<IReadOnlyList<ImageSummary>> ListImagesAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref ListCalls);
        return Task.FromResult<IReadOnlyList<ImageSummary>>(_list);
    }

    public async Task<ImageFacts?> InspectImageAsync(string nameOrId, CancellationToken cancellationToken)
    {
        InspectCalls.Enqueue(nameOrId);
        var running = Interlocked.Increment(ref _running);
        try
        {
            int seen;
            while (running > (seen = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, running, seen) != seen)
            {
            }

            if (BeforeInspect is not null)
            {
                await BeforeInspect(nameOrId, cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
            return Find(nameOrId);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public void Dispose()
    {
    }

    // dockerd looks up a tag first, then an ID or unique ID prefix; enough of that for the recorded images.
    private ImageFacts? Find(string nameOrId)
    {
        var tag = nameOrId.Contains(':', StringComparison.Ordinal) && nameOrId.LastIndexOf(':') > nameOrId.LastIndexOf('/') ? nameOrId : nameOrId + ":latest";
        var byName = _details.FirstOrDefault(d => d.RepoTags.Contains(nameOrId) || d.RepoTags.Contains(tag) || d.RepoDigests.Contains(nameOrId));
        if (byName is not null)
        {
            return byName;
        }

        var id = nameOrId.StartsWith("sha256:", StringComparison.Ordinal) ? nameOrId : "sha256:" + nameOrId;
        var byId = _details.Where(d => d.Id.StartsWith(id, StringComparison.Ordinal)).ToList();
        return byId.Count == 1 ? byId[0] : null;
    }

    private static string RecordedPath(string file) =>
        Path.Combine(RepositoryPaths.Root, "tests", "Core", "ImgTrack.Core.Tests", "Identity", "Recorded", file);

    private static List<ImageSummary> ReadList(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RecordedPath(file)));
        return doc.RootElement.EnumerateArray().Select(e => new ImageSummary(
            e.GetProperty("Id").GetString()!,
            Strings(e, "RepoTags", "<none>:<none>"),
            Strings(e, "RepoDigests", "<none>@<none>"),
            UtcTimestamp.FromUnixTimeSeconds(e.GetProperty("Created").GetInt64()),
            e.GetProperty("Size").GetInt64())).ToList();
    }

    private static IEnumerable<ImageFacts> ReadInspect(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RecordedPath(file)));
        return doc.RootElement.EnumerateArray().Select(e => new ImageFacts(
            e.GetProperty("Id").GetString()!,
            Strings(e, "RepoTags", "<none>:<none>"),
            Strings(e, "RepoDigests", "<none>@<none>"),
            UtcTimestamp.Parse(e.GetProperty("Created").GetString()!),
            Text(e, "Os"),
            Text(e, "Architecture"),
            Text(e, "Variant"),
            e.GetProperty("Size").GetInt64())).ToList();
    }

    private static string[] Strings(JsonElement e, string name, string placeholder) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.GetString()!).Where(v => v != placeholder).ToArray()
            : Array.Empty<string>();

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

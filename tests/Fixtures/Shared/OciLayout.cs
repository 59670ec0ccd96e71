using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ImgTrack.Tests;

/// <summary>
/// Writes tiny OCI image layouts (one unique layer per image) for tests to push with <c>skopeo copy</c>: a single-platform
/// image, or an index of several platforms (<c>skopeo copy --all</c> then pushes the index and every image).
/// </summary>
public static class OciLayout
{
    /// <summary>The tag the layout's index.json names (<c>oci:DIR:latest</c>).</summary>
    public const string Tag = "latest";

    /// <summary>Writes a layout at <paramref name="directory"/> with one image per platform (<c>os/arch[/variant]</c>);
    /// with more than one, index.json names an image index listing them. Returns each platform's config digest.</summary>
    public static IReadOnlyDictionary<string, string> Write(string directory, params string[] platforms)
    {
        Directory.CreateDirectory(Path.Combine(directory, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(directory, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        var configs = new Dictionary<string, string>(StringComparer.Ordinal);
        var manifests = new List<object>();
        foreach (var platform in platforms)
        {
            var parts = platform.Split('/');
            var (layer, diffId) = Layer(platform);
            var layerDigest = WriteBlob(directory, layer);
            var config = new Dictionary<string, object>
            {
                ["created"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture),
                ["architecture"] = parts[1],
                ["os"] = parts[0],
                ["config"] = new { Env = new[] { "PATH=/usr/bin" } },
                ["rootfs"] = new { type = "layers", diff_ids = new[] { diffId } },
            };
            if (parts.Length > 2)
            {
                config["variant"] = parts[2];
            }

            var configBytes = JsonSerializer.SerializeToUtf8Bytes(config);
            var configDigest = WriteBlob(directory, configBytes);
            configs[platform] = configDigest;
            var manifest = JsonSerializer.SerializeToUtf8Bytes(new
            {
                schemaVersion = 2,
                mediaType = "application/vnd.oci.image.manifest.v1+json",
                config = new { mediaType = "application/vnd.oci.image.config.v1+json", digest = configDigest, size = configBytes.Length },
                layers = new[] { new { mediaType = "application/vnd.oci.image.layer.v1.tar+gzip", digest = layerDigest, size = layer.Length } },
            });
            var manifestDigest = WriteBlob(directory, manifest);
            manifests.Add(new
            {
                mediaType = "application/vnd.oci.image.manifest.v1+json",
                digest = manifestDigest,
                size = manifest.Length,
                platform = parts.Length > 2
                    ? (object)new { architecture = parts[1], os = parts[0], variant = parts[2] }
                    : new { architecture = parts[1], os = parts[0] },
            });
        }

        object top;
        if (manifests.Count == 1)
        {
            top = manifests[0];
        }
        else
        {
            var index = JsonSerializer.SerializeToUtf8Bytes(new { schemaVersion = 2, mediaType = "application/vnd.oci.image.index.v1+json", manifests });
            top = new { mediaType = "application/vnd.oci.image.index.v1+json", digest = WriteBlob(directory, index), size = index.Length };
        }

        // index.json names the image (or the nested index) by the tag skopeo's oci: transport looks up.
        var element = JsonSerializer.SerializeToElement(top);
        var withName = new Dictionary<string, object>();
        foreach (var property in element.EnumerateObject())
        {
            withName[property.Name] = property.Value;
        }

        withName["annotations"] = new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = Tag };
        File.WriteAllBytes(Path.Combine(directory, "index.json"), JsonSerializer.SerializeToUtf8Bytes(new { schemaVersion = 2, manifests = new[] { withName } }));
        return configs;
    }

    /// <summary>Runs skopeo with the arguments; throws with its standard error when it fails; returns standard output.</summary>
    public static string Skopeo(params string[] arguments)
    {
        var start = new ProcessStartInfo("skopeo") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start skopeo (apt-get install skopeo).");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            throw new TimeoutException("skopeo " + string.Join(' ', arguments) + " did not finish within 2 minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"skopeo {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result.Trim()}");
        }

        return stdout;
    }

    private static (byte[] Compressed, string DiffId) Layer(string platform)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "imgtrack-id")
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes($"{platform}\n{Guid.NewGuid():N}\n")),
                Mode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                ModificationTime = DateTimeOffset.UtcNow,
            };
            writer.WriteEntry(entry);
        }

        var raw = tar.ToArray();
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(raw);
        }

        return (compressed.ToArray(), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(raw)));
    }

    private static string WriteBlob(string directory, byte[] content)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(content));
        File.WriteAllBytes(Path.Combine(directory, "blobs", "sha256", hex), content);
        return "sha256:" + hex;
    }
}

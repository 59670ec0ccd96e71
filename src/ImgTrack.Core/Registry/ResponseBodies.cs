using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using ImgTrack.Text;

namespace ImgTrack.Registry;

/// <summary>Reading what a registry sent: a body within a size limit, or its error words.</summary>
internal static class ResponseBodies
{
    /// <summary>The most bytes of an error answer read for its words.</summary>
    public const int MaxErrorBytes = 64 * 1024;

    /// <summary>The body, refused (as too large) once it passes <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]> ReadAsync(HttpResponseMessage response, int maxBytes, RegistryState state, string repository, string reference, NameContext context)
    {
        var registry = state.Endpoint.Registry;
        if (response.Content.Headers.ContentLength is { } length && length > maxBytes)
        {
            throw new RegistryException(RegistryError.UnsupportedManifest, registry, MessageText.Format(RegistryMessages.TooLarge, registry, reference, repository, maxBytes));
        }

        using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        using var copy = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, 0, buffer.Length, context.Token).ConfigureAwait(false)) > 0)
        {
            if (copy.Length + read > maxBytes)
            {
                throw new RegistryException(RegistryError.UnsupportedManifest, registry, MessageText.Format(RegistryMessages.TooLarge, registry, reference, repository, maxBytes));
            }

            copy.Write(buffer, 0, read);
        }

        return copy.ToArray();
    }

    /// <summary>The registry's own error words (<c>{"errors":[{"code":…,"message":…}]}</c>), or null. Raw: quote them
    /// only through <see cref="RegistryFailures.Words"/>, which redacts and caps.</summary>
    public static async Task<string?> WordsAsync(HttpResponseMessage response, NameContext context)
    {
        try
        {
            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var buffer = new byte[MaxErrorBytes];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer, total, buffer.Length - total, context.Token).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            using var document = JsonDocument.Parse(new ReadOnlyMemory<byte>(buffer, 0, total));
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errors", out var errors)
                && errors.ValueKind == JsonValueKind.Array)
            {
                var words = new List<string>();
                foreach (var error in errors.EnumerateArray())
                {
                    var code = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                    var message = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    words.Add(code is null ? message ?? string.Empty : message is null ? code : code + ": " + message);
                }

                return words.Count == 0 ? null : string.Join("; ", words);
            }
        }
        catch (Exception e) when (e is JsonException or IOException or HttpRequestException)
        {
            // No words, then: the status says enough.
        }

        return null;
    }
}

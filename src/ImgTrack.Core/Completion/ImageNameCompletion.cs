using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Engine;

namespace ImgTrack.Completion;

/// <summary>
/// Tab completion of image names from the local engine's tags. A prompt must never hang or print errors for
/// it: every failure (no engine, a slow engine, a bad endpoint) gives no candidates within the time limit.
/// </summary>
public static class ImageNameCompletion
{
    /// <summary>How long completion waits for the engine: long enough for a local socket, short enough for a prompt.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMilliseconds(1500);

    /// <summary>
    /// The tags of <paramref name="images"/> that fit <paramref name="wordToComplete"/>, distinct: those that start
    /// with it first, then those that contain it (so <c>app</c> finds <c>registry:5000/team/app:1.0</c>), each
    /// group sorted; case-insensitive.
    /// </summary>
    public static IReadOnlyList<string> Match(IEnumerable<ImageSummary> images, string? wordToComplete)
    {
        if (images is null)
        {
            throw new ArgumentNullException(nameof(images));
        }

        var word = wordToComplete ?? string.Empty;
        var tags = images
            .SelectMany(image => image.RepoTags ?? Array.Empty<string>())
            .Where(tag => !string.IsNullOrEmpty(tag))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        var starts = tags.Where(tag => tag.StartsWith(word, StringComparison.OrdinalIgnoreCase)).OrderBy(tag => tag, StringComparer.Ordinal);
        var contains = tags
            .Where(tag => !tag.StartsWith(word, StringComparison.OrdinalIgnoreCase) && tag.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0)
            .OrderBy(tag => tag, StringComparer.Ordinal);
        return starts.Concat(contains).ToList();
    }

    /// <summary>
    /// Lists the engine's images and matches them; an empty list when the engine cannot be created, fails, or
    /// does not answer within <paramref name="timeout"/> (even if it ignores cancellation).
    /// </summary>
    public static async Task<IReadOnlyList<string>> CompleteAsync(Func<IImageEngine> createEngine, string? wordToComplete, TimeSpan timeout)
    {
        if (createEngine is null)
        {
            throw new ArgumentNullException(nameof(createEngine));
        }

        IImageEngine? engine = null;
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            engine = createEngine();
            var list = engine.ListImagesAsync(deadline.Token);
            var winner = await Task.WhenAny(list, Task.Delay(timeout)).ConfigureAwait(false);
            if (winner != list)
            {
                // Observe the late result so a fault after the deadline is not an unobserved task exception.
                _ = list.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                return Array.Empty<string>();
            }

            return Match(await list.ConfigureAwait(false), wordToComplete);
        }
#pragma warning disable CA1031 // A completer must fail silently whatever goes wrong: the prompt shows no candidates.
        catch (Exception)
#pragma warning restore CA1031
        {
            return Array.Empty<string>();
        }
        finally
        {
            engine?.Dispose();
        }
    }
}

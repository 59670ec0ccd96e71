using System;
using System.Net.Http.Headers;
using System.Threading.Tasks;
using ImgTrack.Text;

namespace ImgTrack.Registry;

/// <summary>
/// The one retry rule for every registry call (manifests, blobs, tokens): after a dropped connection, a 5xx or a 429,
/// wait and ask again, at most <see cref="RegistryOptions.MaxRetries"/> times, with exponential backoff from
/// <see cref="RegistryOptions.RetryDelay"/> or the server's <c>Retry-After</c> when longer; never begin a wait that
/// ends after the retry budget or the name's deadline (<c>-TimeoutSec</c>), and end every wait at Ctrl+C.
/// </summary>
internal sealed class RetryPolicy
{
    private readonly RegistryOptions _options;

    public RetryPolicy(RegistryOptions options) => _options = options;

    /// <summary>
    /// After the failed attempt that followed <paramref name="retries"/> retries: waits the backoff and returns true
    /// when another attempt may start, false (at once) when the retries are spent or the wait does not fit the name's
    /// time. Throws <see cref="OperationCanceledException"/> when the caller cancels during the wait.
    /// </summary>
    public async Task<bool> WaitAsync(int retries, RetryConditionHeaderValue? retryAfter, NameContext context)
    {
        if (retries >= _options.MaxRetries)
        {
            return false;
        }

        var delay = Backoff(retries, retryAfter);
        if (!context.MayRetry(delay))
        {
            return false;
        }

        try
        {
            await Task.Delay(delay, context.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!context.Caller.IsCancellationRequested)
        {
            // The deadline came first after all (the clock is shared with other waits); the next attempt reports it.
        }

        return true;
    }

    /// <summary>" (after N retries in S s)" for a failure's message, or nothing when there was no retry.</summary>
    public static string Note(int retries, NameContext context) =>
        retries == 0 ? string.Empty : MessageText.Format(RegistryMessages.RetriesExhausted, retries, context.Elapsed.TotalSeconds);

    private TimeSpan Backoff(int retries, RetryConditionHeaderValue? retryAfter)
    {
        var delay = TimeSpan.FromTicks(_options.RetryDelay.Ticks * (1L << Math.Min(retries, 16)));
        TimeSpan? asked = retryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };

        return asked is { } wait && wait > delay ? wait : delay;
    }
}

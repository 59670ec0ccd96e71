using System;
using System.Collections.Generic;
using System.Threading;
using ImgTrack.Concurrency;
using ImgTrack.Text;

namespace ImgTrack.Collection;

/// <summary>
/// The streaming core of <c>Get-ImageIdentity</c>: inputs go in one at a time (as pipeline input arrives), requests to
/// the source (an engine, or a registry for <c>-Remote</c>) run with bounded concurrency across all of them, and outcomes come back in input order as soon as each
/// and every one before it is ready. At most <see cref="WindowSize"/> outcomes are pending, so memory stays flat
/// however many images flow through.
/// </summary>
/// <remarks>
/// Every method returns the outcomes that became ready, lazily, on the calling thread: a cmdlet enumerates them on
/// its pipeline thread and writes each one, so nothing is written from another thread. Enumeration may block
/// (<c>GetAwaiter().GetResult()</c>) when the window is full or while draining. It throws
/// <see cref="Engine.EngineUnreachableException"/> when an engine source is gone, <see cref="Engine.EngineTimeoutException"/>
/// when it stopped answering within the request timeout, <see cref="Engine.EngineProtocolException"/> when an answer is
/// not the engine API, and <see cref="OperationCanceledException"/> when the token is cancelled; every other failure is
/// one input's outcome. Outcomes already returned stay returned: the run ends at the first of these, once.
/// </remarks>
public sealed class IdentityPipeline : IDisposable
{
    /// <summary>Pending outcomes allowed per concurrent request: a slow image does not stall the ones behind it.</summary>
    public const int WindowPerRequest = 4;

    private readonly IIdentitySource _source;
    private readonly OrderedWorkQueue<IdentityOutcome> _queue;
    private readonly CancellationToken _cancellationToken;

    /// <summary>Creates a pipeline.</summary>
    /// <param name="source">The source: an engine, connected before the first input (a run that cannot reach it fails
    /// before any input or output), or a registry.</param>
    /// <param name="throttleLimit">How many requests run at once.</param>
    /// <param name="cancellationToken">Goes into every request.</param>
    public IdentityPipeline(IIdentitySource source, int throttleLimit, CancellationToken cancellationToken)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _queue = new OrderedWorkQueue<IdentityOutcome>(throttleLimit, throttleLimit * WindowPerRequest, cancellationToken);
        _cancellationToken = cancellationToken;
    }

    /// <summary>How many outcomes may be pending at once.</summary>
    public int WindowSize => _queue.WindowSize;

    /// <summary>Outcomes added and not yet returned.</summary>
    public int Pending => _queue.Pending;

    /// <summary>How many images <see cref="AddAll"/> found in the engine's list (0 before, or for names).</summary>
    public int Listed { get; private set; }

    /// <summary>Adds one name or image ID; returns the outcomes that are ready (this one's, or earlier ones').</summary>
    public IEnumerable<IdentityOutcome> Add(string? text)
    {
        var input = ImageInput.Classify(text);
        foreach (var outcome in MakeRoom())
        {
            yield return outcome;
        }

        if (input.Kind == ImageInputKind.Invalid)
        {
            // No request for a name the grammar rejects; its error keeps its place in the order.
            _queue.AddResult(IdentityOutcome.Invalid(input));
        }
        else
        {
            var source = _source;
            _queue.Add(token => source.ResolveAsync(input, token));
        }

        foreach (var outcome in Completed())
        {
            yield return outcome;
        }
    }

    /// <summary>Lists every image in one call and adds each; returns outcomes as they become ready, in list order.</summary>
    /// <exception cref="InvalidOperationException">The source holds no images of its own (a registry).</exception>
    public IEnumerable<IdentityOutcome> AddAll()
    {
        var collector = _source as IListedIdentitySource
            ?? throw new InvalidOperationException(MessageText.Format(CoreMessages.SourceListsNoImages, _source.GetType().Name));
        var images = collector.ListAsync(_cancellationToken).GetAwaiter().GetResult();
        Listed = images.Count;
        foreach (var image in images)
        {
            foreach (var outcome in MakeRoom())
            {
                yield return outcome;
            }

            _queue.Add(token => collector.ResolveListedAsync(image, token));
            foreach (var outcome in Completed())
            {
                yield return outcome;
            }
        }
    }

    /// <summary>Waits for and returns every pending outcome, in order.</summary>
    public IEnumerable<IdentityOutcome> Drain()
    {
        while (_queue.Pending > 0)
        {
            yield return _queue.TakeNext();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _queue.Dispose();

    private IEnumerable<IdentityOutcome> MakeRoom()
    {
        while (_queue.IsFull)
        {
            yield return _queue.TakeNext();
        }
    }

    private IEnumerable<IdentityOutcome> Completed()
    {
        while (_queue.TryTakeCompleted(out var outcome))
        {
            yield return outcome;
        }
    }
}

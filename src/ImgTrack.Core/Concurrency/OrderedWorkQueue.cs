using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Text;

namespace ImgTrack.Concurrency;

/// <summary>
/// Runs work items with bounded concurrency and hands their results back in the order they were added, each as
/// soon as it and every item before it are done. Memory stays bounded: at most <see cref="WindowSize"/> items are
/// pending; the caller takes the head (blocking) before adding more when <see cref="IsFull"/>.
/// </summary>
/// <remarks>
/// Designed for a cmdlet's pipeline thread: the caller adds from <c>ProcessRecord</c>, takes completed heads with
/// <see cref="TryTakeCompleted"/> (never blocks) and drains with <see cref="TakeNext"/> (blocks with
/// <c>GetAwaiter().GetResult()</c>) — so results are written on the pipeline thread only. The window is larger
/// than the concurrency limit so one slow item does not stall the others: they keep running behind it.
/// </remarks>
/// <typeparam name="T">The result of one item.</typeparam>
public sealed class OrderedWorkQueue<T> : IDisposable
{
    private readonly Queue<Task<T>> _window = new();
    private readonly SemaphoreSlim _gate;
    private readonly CancellationToken _cancellationToken;

    /// <summary>Creates a queue.</summary>
    /// <param name="throttleLimit">How many items may run at once (at least 1).</param>
    /// <param name="windowSize">How many items may be pending, running or done but not yet taken (at least <paramref name="throttleLimit"/>).</param>
    /// <param name="cancellationToken">Passed into every item; also stops items waiting for a slot.</param>
    public OrderedWorkQueue(int throttleLimit, int windowSize, CancellationToken cancellationToken)
    {
        if (throttleLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(throttleLimit), throttleLimit, CoreMessages.ThrottleLimitTooSmall);
        }

        if (windowSize < throttleLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(windowSize), windowSize, CoreMessages.WindowTooSmall);
        }

        ThrottleLimit = throttleLimit;
        WindowSize = windowSize;
        _gate = new SemaphoreSlim(throttleLimit, throttleLimit);
        _cancellationToken = cancellationToken;
    }

    /// <summary>How many items may run at once.</summary>
    public int ThrottleLimit { get; }

    /// <summary>How many items may be pending at once.</summary>
    public int WindowSize { get; }

    /// <summary>Items added and not yet taken.</summary>
    public int Pending => _window.Count;

    /// <summary>True when the caller must take the head before adding more.</summary>
    public bool IsFull => _window.Count >= WindowSize;

    /// <summary>Adds an item; it starts when a slot is free. Throws when <see cref="IsFull"/>.</summary>
    public void Add(Func<CancellationToken, Task<T>> work)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        EnsureRoom();
        _window.Enqueue(RunAsync(work));
    }

    /// <summary>Adds a result known without any work (an invalid input), so it keeps its place in the order.</summary>
    public void AddResult(T result)
    {
        EnsureRoom();
        _window.Enqueue(Task.FromResult(result));
    }

    /// <summary>Takes the head when it is done; false (without blocking) when it is still running or nothing is pending.</summary>
    /// <exception cref="OperationCanceledException">The head was cancelled.</exception>
    public bool TryTakeCompleted(out T result)
    {
        if (_window.Count > 0 && _window.Peek().IsCompleted)
        {
            result = _window.Dequeue().GetAwaiter().GetResult();
            return true;
        }

        result = default!;
        return false;
    }

    /// <summary>Waits for the head and takes it; rethrows the head's exception (cancellation, unreachable engine).</summary>
    /// <exception cref="InvalidOperationException">Nothing is pending.</exception>
    public T TakeNext()
    {
        if (_window.Count == 0)
        {
            throw new InvalidOperationException(CoreMessages.NothingPending);
        }

        // Block without spinning: the caller waits for the engine nearly once per item, and a spinning wait burns CPU
        // the engine needs on a small machine (an A/B of -All runs on 2 busy cores: about 17% less client CPU; noisy).
        var head = _window.Dequeue();
        if (head.IsCompleted)
        {
            return head.GetAwaiter().GetResult();
        }

        try
        {
            ((IAsyncResult)head).AsyncWaitHandle.WaitOne();
            return head.GetAwaiter().GetResult();
        }
        finally
        {
            // The wait handle is a kernel event: released now, not by a finalizer.
            head.Dispose();
        }
    }

    /// <summary>
    /// Releases the concurrency gate once no item is running. After Ctrl+C items may still be finishing (their
    /// token is cancelled); they release their slot later, so the gate is then left to the garbage collector,
    /// which is safe because its wait handle was never created.
    /// </summary>
    public void Dispose()
    {
        foreach (var item in _window)
        {
            if (!item.IsCompleted)
            {
                return;
            }
        }

        _gate.Dispose();
    }

    private void EnsureRoom()
    {
        if (IsFull)
        {
            throw new InvalidOperationException(CoreMessages.WindowFull);
        }
    }

    private async Task<T> RunAsync(Func<CancellationToken, Task<T>> work)
    {
        await _gate.WaitAsync(_cancellationToken).ConfigureAwait(false);
        try
        {
            // A slot freed by a cancelled item can reach a waiter before the waiter sees the cancellation itself.
            _cancellationToken.ThrowIfCancellationRequested();
            return await work(_cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}

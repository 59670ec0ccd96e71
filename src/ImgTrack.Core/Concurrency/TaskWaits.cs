using System.Threading;
using System.Threading.Tasks;

namespace ImgTrack.Concurrency;

/// <summary>
/// Waits for a task that cannot itself be cancelled (a shared lookup, a call without a token) until it ends or a token
/// is cancelled, whichever comes first. The task keeps running when the wait gives up: cancelling a wait never
/// cancels work other waiters share.
/// </summary>
internal static class TaskWaits
{
    /// <summary>The task's result, or <see cref="System.OperationCanceledException"/> once <paramref name="token"/> is cancelled.</summary>
    public static async Task<T> WaitOrCancelAsync<T>(this Task<T> task, CancellationToken token)
    {
        await ((Task)task).WaitOrCancelAsync(token).ConfigureAwait(false);
        return await task.ConfigureAwait(false);
    }

    /// <summary>Returns when the task ends (its failure is not observed here), or throws
    /// <see cref="System.OperationCanceledException"/> once <paramref name="token"/> is cancelled first.</summary>
    public static async Task WaitOrCancelAsync(this Task task, CancellationToken token)
    {
        if (!task.IsCompleted)
        {
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (token.Register(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(true), cancelled))
            {
                if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                {
                    token.ThrowIfCancellationRequested();
                }
            }
        }
    }
}

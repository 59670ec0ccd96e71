using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Concurrency;
using Xunit;

namespace ImgTrack.Core.Tests.Concurrency;

public sealed class OrderedWorkQueueTests
{
    [Fact]
    public void Completed_items_wait_for_every_item_before_them()
    {
        using var queue = new OrderedWorkQueue<int>(8, 8, CancellationToken.None);
        var gates = Enumerable.Range(0, 5).Select(_ => new TaskCompletionSource<int>()).ToArray();
        foreach (var gate in gates)
        {
            queue.Add(_ => gate.Task);
        }

        gates[4].SetResult(4);
        gates[2].SetResult(2);
        gates[1].SetResult(1);
        Assert.False(queue.TryTakeCompleted(out _));

        gates[0].SetResult(0);
        var taken = TakeReady(queue, expected: 3);
        Assert.False(queue.TryTakeCompleted(out _)); // 3 is still running
        Assert.Equal(new[] { 0, 1, 2 }, taken);

        gates[3].SetResult(3);
        Assert.Equal(new[] { 3, 4 }, new[] { queue.TakeNext(), queue.TakeNext() });
        Assert.Equal(0, queue.Pending);
    }

    // Completions land on other threads; wait (briefly) until the expected number of heads can be taken.
    private static int[] TakeReady(OrderedWorkQueue<int> queue, int expected)
    {
        var taken = new System.Collections.Generic.List<int>();
        SpinWait.SpinUntil(
            () =>
            {
                while (queue.TryTakeCompleted(out var item))
                {
                    taken.Add(item);
                }

                return taken.Count >= expected;
            },
            TimeSpan.FromSeconds(5));
        return taken.ToArray();
    }

    [Fact]
    public void A_known_result_keeps_its_place_among_running_items()
    {
        using var queue = new OrderedWorkQueue<string>(2, 4, CancellationToken.None);
        var slow = new TaskCompletionSource<string>();
        queue.Add(_ => slow.Task);
        queue.AddResult("known");

        Assert.False(queue.TryTakeCompleted(out _));
        slow.SetResult("slow");
        Assert.Equal(new[] { "slow", "known" }, new[] { queue.TakeNext(), queue.TakeNext() });
    }

    [Fact]
    public void Items_beyond_the_throttle_limit_wait_for_a_free_slot()
    {
        using var queue = new OrderedWorkQueue<int>(2, 6, CancellationToken.None);
        var started = 0;
        var gates = Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        for (var i = 0; i < 4; i++)
        {
            var gate = gates[i];
            queue.Add(_ =>
            {
                Interlocked.Increment(ref started);
                return gate.Task;
            });
        }

        Assert.Equal(2, Volatile.Read(ref started));
        gates[0].SetResult(0);
        Assert.Equal(0, queue.TakeNext());
        SpinWait.SpinUntil(() => Volatile.Read(ref started) == 3, TimeSpan.FromSeconds(5));
        Assert.Equal(3, Volatile.Read(ref started));
        foreach (var gate in gates.Skip(1))
        {
            gate.TrySetResult(1);
        }
    }

    [Fact]
    public void The_window_is_bounded_and_refuses_more_until_the_head_is_taken()
    {
        using var queue = new OrderedWorkQueue<int>(1, 3, CancellationToken.None);
        queue.AddResult(1);
        queue.AddResult(2);
        Assert.False(queue.IsFull);
        queue.AddResult(3);

        Assert.True(queue.IsFull);
        Assert.Throws<InvalidOperationException>(() => queue.AddResult(4));
        Assert.Equal(1, queue.TakeNext());
        Assert.False(queue.IsFull);
    }

    [Fact]
    public void The_heads_failure_is_rethrown_when_it_is_taken()
    {
        using var queue = new OrderedWorkQueue<int>(2, 2, CancellationToken.None);
        queue.Add(_ => Task.FromException<int>(new TimeoutException("slow engine")));

        var error = Assert.Throws<TimeoutException>(() => queue.TakeNext());
        Assert.Equal("slow engine", error.Message);
    }

    [Fact]
    public void Items_waiting_for_a_slot_stop_when_cancelled()
    {
        using var cancellation = new CancellationTokenSource();
        using var queue = new OrderedWorkQueue<int>(1, 3, cancellation.Token);
        queue.Add(async token =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return 1;
        });
        var secondStarted = false;
        queue.Add(_ =>
        {
            secondStarted = true;
            return Task.FromResult(2);
        });

        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => queue.TakeNext());
        Assert.ThrowsAny<OperationCanceledException>(() => queue.TakeNext());
        Assert.False(secondStarted);
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(4, 3)]
    public void Bad_limits_are_refused(int throttleLimit, int windowSize)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OrderedWorkQueue<int>(throttleLimit, windowSize, CancellationToken.None));
    }
}

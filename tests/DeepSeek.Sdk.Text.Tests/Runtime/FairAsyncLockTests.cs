using DeepSeek.Sdk.Runtime;

namespace DeepSeek.Sdk.Text.Tests.Runtime;

public sealed class FairAsyncLockTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Waiters_get_the_lock_in_arrival_order()
    {
        var gate = new FairAsyncLock();
        await gate.WaitAsync(Token);
        var order = new List<int>();
        var waiters = new Task[10];
        for (int i = 0; i < waiters.Length; i++)
        {
            int me = i;
            waiters[i] = Task.Run(async () =>
            {
                await gate.WaitAsync(Token);
                lock (order) order.Add(me);
                gate.Release();
            }, Token);
            // Each waiter must be queued before the next starts, so arrival order is known.
            while (gate.QueueLength != i + 1) await Task.Delay(1, Token);
        }
        gate.Release();
        await Task.WhenAll(waiters);
        Assert.Equal(Enumerable.Range(0, 10), order);
        Assert.False(gate.IsHeld);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_the_next_one_still_gets_the_lock()
    {
        var gate = new FairAsyncLock();
        await gate.WaitAsync(Token);
        using var cts = new CancellationTokenSource();
        var cancelled = gate.WaitAsync(cts.Token);
        var next = gate.WaitAsync(Token);
        Assert.Equal(2, gate.QueueLength);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(1, gate.QueueLength);

        gate.Release();
        await next.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.True(gate.IsHeld);
        gate.Release();
        Assert.False(gate.IsHeld);
    }

    [Fact]
    public void Releasing_a_lock_nobody_holds_is_an_error()
    {
        var gate = new FairAsyncLock();
        Assert.Throws<InvalidOperationException>(gate.Release);
    }
}

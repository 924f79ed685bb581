namespace DeepSeek.Sdk.Runtime;

/// <summary>An asynchronous mutual-exclusion lock that grants ownership strictly in arrival order (FIFO), so a
/// steady stream of new callers cannot starve one that has been waiting. Waiting is cancellable: a cancelled
/// waiter leaves the queue without ever owning the lock. Uncontended acquisition allocates nothing.</summary>
public sealed class FairAsyncLock
{
    private readonly Lock _gate = new();
    private readonly LinkedList<TaskCompletionSource> _waiters = new();
    private bool _held;

    /// <summary>Callers waiting for the lock (not counting the owner).</summary>
    public int QueueLength
    {
        get
        {
            lock (_gate) return _waiters.Count;
        }
    }

    public bool IsHeld
    {
        get
        {
            lock (_gate) return _held;
        }
    }

    /// <summary>Completes when the caller owns the lock; the owner must call <see cref="Release"/> exactly once.</summary>
    public Task WaitAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled(cancellationToken);
        LinkedListNode<TaskCompletionSource> node;
        lock (_gate)
        {
            if (!_held)
            {
                _held = true;
                return Task.CompletedTask;
            }
            // Continuations run asynchronously so that Release never runs a waiter's code on the releasing thread.
            node = _waiters.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        if (!cancellationToken.CanBeCanceled) return node.Value.Task;
        return WaitCancellable(node, cancellationToken);
    }

    /// <summary>Hands the lock to the longest-waiting caller, or frees it.</summary>
    public void Release()
    {
        TaskCompletionSource? next = null;
        lock (_gate)
        {
            if (!_held) throw new InvalidOperationException("The lock is not held.");
            if (_waiters.First is { } first)
            {
                _waiters.RemoveFirst();
                next = first.Value; // ownership passes directly; _held stays true
            }
            else
            {
                _held = false;
            }
        }
        next?.SetResult();
    }

    private async Task WaitCancellable(LinkedListNode<TaskCompletionSource> node, CancellationToken cancellationToken)
    {
        var registration = cancellationToken.UnsafeRegister(static (state, token) =>
        {
            var (owner, waiter) = ((FairAsyncLock, LinkedListNode<TaskCompletionSource>))state!;
            owner.Cancel(waiter, token);
        }, (this, node));
        using (registration)
            await node.Value.Task.ConfigureAwait(false);
    }

    private void Cancel(LinkedListNode<TaskCompletionSource> node, CancellationToken token)
    {
        lock (_gate)
        {
            // Already granted (removed by Release): the waiter owns the lock and must release it.
            if (node.List is null) return;
            _waiters.Remove(node);
        }
        node.Value.TrySetCanceled(token);
    }
}

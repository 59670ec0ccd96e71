using System.Management.Automation;
using System.Threading;

namespace ImgTrack.Commands;

/// <summary>
/// Shared plumbing for every ImgTrack cmdlet: one cancellation source per invocation, created in
/// <see cref="BeginProcessing"/>, cancelled by Ctrl+C (<see cref="StopProcessing"/>) and disposed at the end.
/// Its token goes into every core call, so a pending engine or registry request aborts promptly.
/// </summary>
public abstract class ImgTrackCmdlet : PSCmdlet, System.IDisposable
{
    private CancellationTokenSource? _cancellation;

    /// <summary>The token to pass into every core call.</summary>
    protected CancellationToken CancellationToken => _cancellation?.Token ?? CancellationToken.None;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _cancellation = new CancellationTokenSource();
    }

    /// <inheritdoc />
    protected override void StopProcessing()
    {
        _cancellation?.Cancel();
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        DisposeCancellation();
    }

    /// <summary>Releases the cancellation source if the pipeline ended early (error or Ctrl+C).</summary>
    public void Dispose()
    {
        Dispose(true);
        System.GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the invocation holds; derived cmdlets add their own (an engine client) and call the base.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeCancellation();
        }
    }

    private void DisposeCancellation()
    {
        _cancellation?.Dispose();
        _cancellation = null;
    }
}

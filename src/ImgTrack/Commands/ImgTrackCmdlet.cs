using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;

namespace ImgTrack.Commands;

/// <summary>
/// Shared plumbing for every ImgTrack cmdlet: one cancellation source per invocation, created in
/// <see cref="BeginProcessing"/>, cancelled by Ctrl+C (<see cref="StopProcessing"/>) and disposed at the end.
/// Its token goes into every core call, so a pending engine or registry request aborts promptly. Also the per-item
/// loop of the converting cmdlets: one object or one error record for every input, <c>$null</c> included.
/// </summary>
public abstract class ImgTrackCmdlet : PSCmdlet, IDisposable
{
    // A $null from the pipeline binds as a null array: it is still one bad item that gets its own error record.
    private static readonly string?[] s_nullItem = { null };

    private CancellationTokenSource? _cancellation;

    /// <summary>Converts one text; on failure <paramref name="error"/> names the rule that failed.</summary>
    protected delegate bool TryConvert<T>(string? text, out T? value, out string? error);

    /// <summary>The token to pass into every core call.</summary>
    protected CancellationToken CancellationToken => _cancellation?.Token ?? CancellationToken.None;

    /// <summary>Releases the cancellation source if the pipeline ended early (error or Ctrl+C).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

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

    /// <summary>Releases what the invocation holds; derived cmdlets add their own (an engine client) and call the base.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeCancellation();
        }
    }

    /// <summary>The items of a bound array parameter, a null array (a <c>$null</c> from the pipeline) as one null item.</summary>
    protected static IEnumerable<string?> Items(string?[]? bound) => bound ?? s_nullItem;

    /// <summary>
    /// Writes one converted object per item, or one non-terminating error record (<paramref name="errorId"/>,
    /// InvalidArgument, the item as target) whose message names the rule that failed; the next item goes on.
    /// </summary>
    protected void ConvertEach<T>(string?[]? items, TryConvert<T> convert, string errorId, string recommendedAction, Func<string, Exception> exception)
    {
        foreach (var item in Items(items))
        {
            if (convert(item, out var value, out var error))
            {
                WriteObject(value);
            }
            else
            {
                var message = error ?? string.Empty;
                WriteError(new ErrorRecord(exception(message), errorId, ErrorCategory.InvalidArgument, item)
                {
                    ErrorDetails = new ErrorDetails(message) { RecommendedAction = recommendedAction },
                });
            }
        }
    }

    private void DisposeCancellation()
    {
        _cancellation?.Dispose();
        _cancellation = null;
    }
}

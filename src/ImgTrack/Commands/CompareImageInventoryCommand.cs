using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Security;
using ImgTrack.Input;
using ImgTrack.Inventory;
using ImgTrack.Resources;

namespace ImgTrack.Commands;

/// <summary>
/// <c>Compare-ImageInventory</c>: merges server inventories (Get-ImageIdentity's objects, their CSV rows or their
/// deserialized form) with the containers a Kubernetes cluster runs, matching content by digest
/// (<see cref="InventoryComparer"/>). One row per container, then one per inventory image no container runs.
/// </summary>
[Cmdlet(VerbsData.Compare, "ImageInventory", DefaultParameterSetName = ClusterSet)]
[OutputType(typeof(ImageInventoryComparison))]
public sealed class CompareImageInventoryCommand : ImgTrackCmdlet
{
    private const string ClusterSet = "Cluster";
    private const string ClusterPathSet = "ClusterPath";

    private readonly InventoryComparer _comparer = new();
    private readonly ClusterObjectReader<object?> _reader = new(PowerShellObjectAccess.Instance);
    private readonly List<ClusterItem<object?>> _items = new();
    private HashSet<string>? _statuses;

    /// <summary>The server images: from the pipeline with -ClusterPath, else as an argument.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClusterSet)]
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ClusterPathSet)]
    [AllowNull]
    [AllowEmptyCollection]
    public object?[] Inventory { get; set; } = Array.Empty<object?>();

    /// <summary>Pods (a kubectl List, or pods one by one), hashtables, or rows with an imageID.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ClusterSet)]
    [AllowNull]
    [AllowEmptyCollection]
    public object?[] Cluster { get; set; } = Array.Empty<object?>();

    /// <summary>The file <c>kubectl get pods -A -o json</c> wrote.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClusterPathSet)]
    [ValidateNotNullOrEmpty]
    public string ClusterPath { get; set; } = string.Empty;

    /// <summary>Only rows with these statuses are written.</summary>
    [Parameter]
    public ImageInventoryStatus[]? Status { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (Status is { Length: > 0 })
        {
            _statuses = new HashSet<string>(StringComparer.Ordinal);
            foreach (var status in Status)
            {
                _statuses.Add(status.ToString());
            }
        }

        if (ParameterSetName == ClusterSet)
        {
            AddInventory(Inventory);
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case ClusterPathSet:
                AddInventory(Inventory);
                break;
            default:
                foreach (var node in Cluster ?? new object?[] { null })
                {
                    _items.Clear();
                    _reader.Read(node, _items);
                    foreach (var item in _items)
                    {
                        Compare(item.Container, item.Error, item.Source);
                    }
                }

                break;
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (ParameterSetName == ClusterPathSet)
        {
            CompareFile();
        }

        foreach (var row in _comparer.InventoryOnly())
        {
            Write(row);
        }

        base.EndProcessing();
    }

    private void AddInventory(object?[]? rows)
    {
        foreach (var row in rows ?? new object?[] { null })
        {
            var image = InventoryInput.ToImage(row);
            var error = image is null ? InventoryStrings.InventoryRowNull : _comparer.Add(image);
            if (error is not null)
            {
                WriteItemError(ErrorIds.InvalidInventoryImage, error, InventoryStrings.InvalidInventoryImage, row);
            }
        }
    }

    private void CompareFile()
    {
        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(ClusterPath);
        using var items = ClusterFile.Read(path).GetEnumerator();
        while (true)
        {
            try
            {
                if (!items.MoveNext())
                {
                    return;
                }
            }
            catch (ClusterFileException ex)
            {
                ThrowTerminatingError(Failure(ex, ErrorIds.InvalidClusterFile, ErrorCategory.InvalidData, InventoryStrings.InvalidClusterFile, path));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SecurityException or NotSupportedException)
            {
                var message = ImgTrack.Text.MessageText.Format(InventoryStrings.ClusterFileUnreadableMessage, path, ex.Message);
                ThrowTerminatingError(Failure(new IOException(message, ex), ErrorIds.ClusterFileUnreadable, ErrorCategory.ReadError, InventoryStrings.ClusterFileUnreadable, path));
            }

            // An error's target is the object's JSON text: the document it came from is gone by now.
            var item = items.Current;
            Compare(item.Container, item.Error, item.Error is null ? null : item.Source.GetRawText());
        }
    }

    private void Compare(ClusterContainer? container, string? readError, object? source)
    {
        if (container is null)
        {
            WriteItemError(ErrorIds.ImageIdMissing, readError ?? string.Empty, InventoryStrings.ImageIdMissing, source);
            return;
        }

        var result = _comparer.Compare(container);
        if (result.Row is not null)
        {
            Write(result.Row);
            return;
        }

        var (id, action) = result.Error == ComparisonError.InvalidTrackingId
            ? (ErrorIds.InvalidTrackingId, InventoryStrings.InvalidTrackingId)
            : (ErrorIds.ImageIdMissing, InventoryStrings.ImageIdMissing);
        WriteItemError(id, result.Message ?? string.Empty, action, source);
    }

    private void Write(ImageInventoryComparison row)
    {
        if (_statuses is null || _statuses.Contains(row.Status))
        {
            WriteObject(row);
        }
    }

    private void WriteItemError(string errorId, string message, string action, object? target) =>
        WriteError(Failure(new InvalidDataException(message), errorId, ErrorCategory.InvalidData, action, target));

    private static ErrorRecord Failure(Exception exception, string errorId, ErrorCategory category, string action, object? target) =>
        new(exception, errorId, category, target)
        {
            ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = action },
        };
}

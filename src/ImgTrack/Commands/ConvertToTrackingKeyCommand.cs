using System;
using System.Management.Automation;
using ImgTrack.Resources;

namespace ImgTrack.Commands;

/// <summary>
/// <c>ConvertTo-TrackingKey</c>: turns Kubernetes <c>imageID</c> values, Docker repo digests and image IDs into the
/// one key <see cref="TrackingKey"/> defines, so server and cluster inventories join on one column.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "TrackingKey")]
[OutputType(typeof(string))]
public sealed class ConvertToTrackingKeyCommand : ImgTrackCmdlet
{
    /// <summary>The IDs, e.g. <c>docker-pullable://nginx@sha256:…</c>, <c>docker.io/library/nginx@sha256:…</c> or <c>sha256:…</c>.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("imageID")]
    [AllowNull]
    [AllowEmptyString]
    [AllowEmptyCollection]
    public string?[] Id { get; set; } = Array.Empty<string>();

    // A $null from the pipeline binds as a null array: it is still one bad item that gets its own error record.
    private static readonly string?[] s_nullItem = { null };

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var id in Id ?? s_nullItem)
        {
            if (TrackingKey.TryCreate(id, out var key, out var error))
            {
                WriteObject(key);
            }
            else
            {
                WriteError(new ErrorRecord(new FormatException(error), nameof(ReferenceCommandStrings.InvalidTrackingId), ErrorCategory.InvalidArgument, id)
                {
                    ErrorDetails = new ErrorDetails(error) { RecommendedAction = ReferenceCommandStrings.InvalidTrackingId },
                });
            }
        }
    }
}

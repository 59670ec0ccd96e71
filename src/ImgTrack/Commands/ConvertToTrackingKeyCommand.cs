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

    /// <inheritdoc />
    protected override void ProcessRecord() =>
        ConvertEach<string>(Id, TrackingKey.TryCreate, ErrorIds.InvalidTrackingId, ReferenceCommandStrings.InvalidTrackingId, error => new FormatException(error));
}

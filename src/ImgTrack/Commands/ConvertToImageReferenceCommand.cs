using System;
using System.Management.Automation;
using ImgTrack.Resources;

namespace ImgTrack.Commands;

/// <summary>
/// <c>ConvertTo-ImageReference</c>: reads image names with Docker's grammar and writes one
/// <see cref="ImageReference"/> per valid name, one <c>InvalidImageReference</c> error per bad one.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "ImageReference")]
[OutputType(typeof(ImageReference))]
public sealed class ConvertToImageReferenceCommand : ImgTrackCmdlet
{
    /// <summary>The image names, e.g. <c>nginx:1.25</c> or <c>127.0.0.1:5000/team/app@sha256:…</c>.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Image", "ImageName")]
    [AllowNull]
    [AllowEmptyString]
    [AllowEmptyCollection]
    public string?[] Name { get; set; } = Array.Empty<string>();

    /// <inheritdoc />
    protected override void ProcessRecord() =>
        ConvertEach<ImageReference>(Name, ImageReference.TryParse, ErrorIds.InvalidImageReference, ReferenceCommandStrings.InvalidImageReference, error => new ImageReferenceFormatException(error));
}

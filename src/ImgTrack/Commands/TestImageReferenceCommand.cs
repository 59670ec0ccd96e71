using System.Management.Automation;

namespace ImgTrack.Commands;

/// <summary>
/// <c>Test-ImageReference</c>: <c>$true</c> when Docker's grammar (as <c>ConvertTo-ImageReference</c> reads it) accepts
/// the name, else <c>$false</c>; never an error for a bad name.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ImageReference")]
[OutputType(typeof(bool))]
public sealed class TestImageReferenceCommand : ImgTrackCmdlet
{
    /// <summary>The image name to test.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Image", "ImageName")]
    [AllowNull]
    [AllowEmptyString]
    public string? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() => WriteObject(ImageReference.TryParse(Name, out _));
}

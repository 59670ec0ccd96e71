using System;
using System.Management.Automation;
using ImgTrack.Oci;

namespace ImgTrack.Validation;

/// <summary>
/// Checks at binding time that a parameter's value reads as a platform, <c>os/arch[/variant]</c> (<c>linux/arm64/v8</c>):
/// a bad value fails as PowerShell's <c>ParameterArgumentValidationError</c>, before the run starts.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidatePlatformAttribute : ValidateArgumentsAttribute
{
    /// <inheritdoc />
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var text = arguments is PSObject wrapped ? wrapped.BaseObject as string : arguments as string;
        try
        {
            _ = Platform.Parse(text!);
        }
        catch (FormatException e)
        {
            throw new ValidationMetadataException(e.Message, e);
        }
    }
}

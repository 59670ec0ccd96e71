using System;
using System.Management.Automation;

namespace ImgTrack.Validation;

/// <summary>
/// Lets through a <see cref="PlatformArgument"/> (made by <see cref="PlatformTransformationAttribute"/>) only when it
/// holds a platform, <c>os/arch[/variant]</c> (<c>linux/arm64/v8</c>): a bad value fails as PowerShell's
/// <c>ParameterArgumentValidationError</c>, naming the expected form, before the run starts.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidatePlatformAttribute : ValidateArgumentsAttribute
{
    /// <inheritdoc />
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var argument = (arguments is PSObject wrapped ? wrapped.BaseObject : arguments) as PlatformArgument ?? PlatformArgument.Parse(arguments?.ToString());
        if (argument.Error is not null)
        {
            throw new ValidationMetadataException(argument.Error);
        }
    }
}

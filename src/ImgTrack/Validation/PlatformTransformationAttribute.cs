using System;
using System.Management.Automation;
using ImgTrack.Oci;

namespace ImgTrack.Validation;

/// <summary>
/// Parses a parameter's text into a <see cref="PlatformArgument"/> at binding time, once. It never fails: a text that
/// is no platform is judged by <see cref="ValidatePlatformAttribute"/>, so that it fails as a validation error.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class PlatformTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            PlatformArgument argument => argument,
            Platform platform => new PlatformArgument(platform.ToString(), platform, null),
            _ => PlatformArgument.Parse(value?.ToString()),
        };
    }
}

using System;
using ImgTrack.Oci;

namespace ImgTrack.Validation;

/// <summary>
/// A <c>-Platform</c> argument, parsed once at binding: the platform, or why the text is none. A value of this type
/// comes only from <see cref="PlatformTransformationAttribute"/>, and <see cref="ValidatePlatformAttribute"/> lets
/// through only those that hold a platform, so a bound parameter always has one.
/// </summary>
public sealed class PlatformArgument
{
    internal PlatformArgument(string? text, Platform? platform, string? error)
    {
        Text = text;
        Platform = platform;
        Error = error;
    }

    /// <summary>The text as given.</summary>
    public string? Text { get; }

    /// <summary>The platform; null when the text is none (<see cref="Error"/> says why).</summary>
    public Platform? Platform { get; }

    /// <summary>The rule the text breaks; null when it is a platform.</summary>
    public string? Error { get; }

    /// <summary>Parses <c>os/arch[/variant]</c>.</summary>
    public static PlatformArgument Parse(string? text)
    {
        try
        {
            return new PlatformArgument(text, Platform.Parse(text!), null);
        }
        catch (FormatException e)
        {
            return new PlatformArgument(text, null, e.Message);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Platform?.ToString() ?? Text ?? string.Empty;
}

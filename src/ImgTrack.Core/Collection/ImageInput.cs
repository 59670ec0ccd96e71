using System;
using ImgTrack.References;

namespace ImgTrack.Collection;

/// <summary>
/// One input string, classified before any engine call: an image ID (full or short), a name (parsed), or invalid
/// (with the grammar's reason). Invalid input never reaches the engine.
/// </summary>
public sealed class ImageInput
{
    private ImageInput(string text, ImageInputKind kind, ImageReference? reference, FormatException? error)
    {
        Text = text;
        Kind = kind;
        Reference = reference;
        Exception = error;
    }

    /// <summary>The text as given.</summary>
    public string Text { get; }

    /// <summary>How the text reads.</summary>
    public ImageInputKind Kind { get; }

    /// <summary>The parsed name when <see cref="Kind"/> is <see cref="ImageInputKind.Name"/>.</summary>
    public ImageReference? Reference { get; }

    /// <summary>The grammar rule the text broke when <see cref="Kind"/> is <see cref="ImageInputKind.Invalid"/>.</summary>
    public string? Error => Exception?.Message;

    /// <summary>The grammar's exception when <see cref="Kind"/> is <see cref="ImageInputKind.Invalid"/>.</summary>
    public FormatException? Exception { get; }

    /// <summary>
    /// Classifies <paramref name="text"/> as the docker CLI reads it. An image ID is <c>sha256:</c> plus lowercase hex
    /// (the 64 digits, or a prefix: the engine's ID search takes both), or the 64 hex digits alone, which Docker refuses
    /// as a name. Everything else is parsed as a name, short hex strings too (<c>52f6</c>, <c>52f6c9a1b2d3</c>): the
    /// engine looks such a text up as a name first and then as an ID prefix of any length, and
    /// <see cref="ImageIdentityCollector"/> tells afterwards which of the two it found.
    /// </summary>
    public static ImageInput Classify(string? text)
    {
        text ??= string.Empty;
        var prefixed = text.StartsWith(ImageId.Sha256Prefix, StringComparison.Ordinal);
        if (ImageId.IsFullHex(text)
            || (prefixed && text.Length <= ImageId.Sha256Prefix.Length + ImageId.HexLength && ImageId.IsLowerHex(text, ImageId.Sha256Prefix.Length, text.Length)))
        {
            return new ImageInput(text, ImageInputKind.ImageId, null, null);
        }

        try
        {
            return new ImageInput(text, ImageInputKind.Name, ImageReference.Parse(text), null);
        }
        catch (FormatException ex)
        {
            // Parse's message names the rule that failed; TryParse would lose it.
            return new ImageInput(text, ImageInputKind.Invalid, null, ex);
        }
    }
}

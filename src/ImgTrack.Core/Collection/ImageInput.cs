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
    /// Classifies <paramref name="text"/>. Image IDs win over names, as they do for the docker CLI's users:
    /// <c>sha256:</c> plus 64 lowercase hex digits, the 64 hex digits alone, or a prefix of at least
    /// <see cref="ImageId.MinimumShortLength"/> hex digits (with or without <c>sha256:</c>, which the engine's ID
    /// search accepts too). Everything else is parsed as a name.
    /// </summary>
    public static ImageInput Classify(string? text)
    {
        text ??= string.Empty;
        if (ImageId.IsIdOrPrefix(text))
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

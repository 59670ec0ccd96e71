using System;

namespace ImgTrack.Identity;

/// <summary>What kind of text the user gave <c>Get-ImageIdentity</c>.</summary>
public enum ImageInputKind
{
    /// <summary>An image name, read with Docker's reference grammar.</summary>
    Name,

    /// <summary>An image ID or a short ID prefix, as the docker CLI accepts them.</summary>
    ImageId,

    /// <summary>Neither: the text breaks the reference grammar.</summary>
    Invalid,
}

/// <summary>
/// One input string, classified before any engine call: an image ID (full or short), a name (parsed), or invalid
/// (with the grammar's reason). Invalid input never reaches the engine.
/// </summary>
public sealed class ImageInput
{
    /// <summary>
    /// The shortest hex prefix taken as an image ID. The docker CLI prints IDs truncated to 12 hex digits
    /// (<c>docker images</c>), so that is what people paste; an 11-digit hex string is read as a name, as it is
    /// a valid repository name too.
    /// </summary>
    public const int MinimumShortIdLength = 12;

    private const int FullIdLength = 64;
    /// <summary>The algorithm prefix of every image ID the engines report.</summary>
    internal const string Sha256Prefix = "sha256:";

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
    /// <see cref="MinimumShortIdLength"/> hex digits (with or without <c>sha256:</c>, which the engine's ID
    /// search accepts too). Everything else is parsed as a name.
    /// </summary>
    public static ImageInput Classify(string? text)
    {
        text ??= string.Empty;
        if (IsImageId(text))
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

    /// <summary>True when <paramref name="text"/> is an image ID or a short ID prefix (see <see cref="Classify"/>).</summary>
    public static bool IsImageId(string? text)
    {
        if (text is null)
        {
            return false;
        }

        var hex = text.StartsWith(Sha256Prefix, StringComparison.Ordinal) ? text.Substring(Sha256Prefix.Length) : text;
        if (hex.Length < MinimumShortIdLength || hex.Length > FullIdLength)
        {
            return false;
        }

        return IsLowerHex(hex);
    }

    /// <summary>True when <paramref name="text"/> is non-empty and only lowercase hex digits.</summary>
    internal static bool IsLowerHex(string text)
    {
        foreach (var c in text)
        {
            // Engines print IDs in lowercase; an uppercase string is a (broken) name, not an ID.
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return text.Length > 0;
    }
}

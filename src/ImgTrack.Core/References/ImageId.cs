using System;

namespace ImgTrack.References;

/// <summary>
/// The one home of the image-ID rules: what an image ID looks like (<c>sha256:</c> and 64 lowercase hex digits,
/// reference.go's <c>identifier</c>), the short forms people paste, and the algorithm prefix.
/// </summary>
public static class ImageId
{
    /// <summary>The algorithm prefix of every image ID the engines report.</summary>
    public const string Sha256Prefix = "sha256:";

    /// <summary>The hex digits of a full image ID.</summary>
    public const int HexLength = 64;

    /// <summary>
    /// The length of the short IDs the docker CLI prints (<c>docker images</c>), what people paste. It is no limit on
    /// input: <c>Get-ImageIdentity</c> reads a short hex string as the CLI does, as a name first and then as an ID prefix
    /// of any length.
    /// </summary>
    public const int MinimumShortLength = 12;

    /// <summary>True when <paramref name="text"/> is non-empty and only lowercase hex digits.</summary>
    public static bool IsLowerHex(string text) => text is not null && IsLowerHex(text, 0, text.Length);

    /// <summary>True when <paramref name="text"/>[<paramref name="start"/>..<paramref name="end"/>) is non-empty
    /// lowercase hex (engines print IDs in lowercase; an uppercase string is a broken name, not an ID).</summary>
    public static bool IsLowerHex(string text, int start, int end) =>
        text is not null && start < end && CharClass.IsLowerHex(text, start, end);

    /// <summary>The 64 hex digits of an image ID without its algorithm: Docker refuses them as a name.</summary>
    public static bool IsFullHex(string text) => text is not null && text.Length == HexLength && IsLowerHex(text);

    /// <summary>
    /// An image ID or a short ID prefix as the docker CLI accepts them: <c>sha256:</c> plus 64 lowercase hex digits,
    /// the 64 hex digits alone, or a prefix of at least <see cref="MinimumShortLength"/> hex digits (with or without
    /// <c>sha256:</c>, which the engine's ID search accepts too).
    /// </summary>
    public static bool IsIdOrPrefix(string? text)
    {
        if (text is null)
        {
            return false;
        }

        var start = text.StartsWith(Sha256Prefix, StringComparison.Ordinal) ? Sha256Prefix.Length : 0;
        var length = text.Length - start;
        return length >= MinimumShortLength && length <= HexLength && IsLowerHex(text, start, text.Length);
    }

    /// <summary>True when <paramref name="id"/> (<c>sha256:…</c>) starts with the hex prefix <paramref name="hexPrefix"/>.</summary>
    public static bool HasHexPrefix(string id, string hexPrefix) =>
        id is not null && hexPrefix is not null
        && id.StartsWith(Sha256Prefix, StringComparison.Ordinal)
        && string.CompareOrdinal(id, Sha256Prefix.Length, hexPrefix, 0, hexPrefix.Length) == 0
        && id.Length >= Sha256Prefix.Length + hexPrefix.Length;
}

using System;

namespace ImgTrack.Fuzz;

/// <summary>
/// <c>tracking-key</c>: <see cref="TrackingKey.Create"/> throws only FormatException; TryCreate agrees with it, with the
/// same non-empty message; a key is its own key; and a key is what the class promises: a bare digest, or the full
/// name of a repo digest read with the one <see cref="ImageReference"/> grammar.
/// </summary>
internal sealed class TrackingKeyTarget : FuzzTarget
{
    private const string DockerPullablePrefix = "docker-pullable://";
    private const string DockerPrefix = "docker://";

    internal override string Name => "tracking-key";

    protected override void CheckText(string text)
    {
        Expect(!TrackingKey.TryCreate(null, out _, out var nullError) && !string.IsNullOrWhiteSpace(nullError), "TryCreate(null) is false with a message", "null");

        string? created;
        string? createMessage = null;
        try
        {
            created = TrackingKey.Create(text);
        }
        catch (FormatException e) when (e.GetType() == typeof(FormatException))
        {
            // The documented failure; anything else escapes and afl-fuzz records a crash.
            created = null;
            createMessage = e.Message;
        }

        var valid = TrackingKey.TryCreate(text, out var key, out var error);
        Expect(valid == (created is not null), "TryCreate agrees with Create", text);
        if (!valid)
        {
            Expect(key is null && !string.IsNullOrWhiteSpace(error), "a rejected ID has a message and no key", text);
            Expect(error == createMessage, "TryCreate's message is Create's message", text);
        }
        else
        {
            Expect(error is null && key == created, "TryCreate returns Create's key", text);
            Expect(TrackingKey.TryCreate(key, out var again, out var againError), "a key is a valid ID (" + againError + ")", text);
            Expect(again == key, "a key is its own key", text);
            CheckShape(key!, text);
        }

        CheckAgreesWithTheGrammar(text, valid ? key : null);
    }

    // A key is sha256:/sha384:/sha512: and lowercase hex, or registry/repository@digest with nothing dropped or added.
    private static void CheckShape(string key, string text)
    {
        if (key.IndexOf('/') < 0 && key.IndexOf('@') < 0)
        {
            Expect(IsDigest(key), "a key without a name is algorithm:lowercase hex", text);
            return;
        }

        Expect(ImageReference.TryParse(key, out var name, out _) && name.Digest is not null && name.Tag is null, "a named key is a name with a digest and no tag", text);
        Expect(key == name!.FullName + "@" + name.Digest, "a named key is FullName@Digest", text);
    }

    // The class's promise (TrackingKey remarks): after an optional docker-pullable:// or docker:// prefix, a body that the
    // reference grammar reads as a name with a digest has the key FullName@Digest, and 64 hex characters are sha256:<hex>.
    private static void CheckAgreesWithTheGrammar(string text, string? key)
    {
        var body = text.StartsWith(DockerPullablePrefix, StringComparison.Ordinal) ? text.Substring(DockerPullablePrefix.Length)
            : text.StartsWith(DockerPrefix, StringComparison.Ordinal) ? text.Substring(DockerPrefix.Length)
            : text;
        if (body.Length == 64 && IsLowerHex(body, 0))
        {
            Expect(key == "sha256:" + body, "64 hex characters are the image ID sha256:<hex>", text);
        }
        else if (ImageReference.TryParse(body, out var name) && name.Digest is not null)
        {
            Expect(key == name.FullName + "@" + name.Digest, "a repo digest's key is FullName@Digest", text);
        }
    }

    private static bool IsDigest(string s) =>
        (s.StartsWith("sha256:", StringComparison.Ordinal) && s.Length == 7 + 64)
        || (s.StartsWith("sha384:", StringComparison.Ordinal) && s.Length == 7 + 96)
        || (s.StartsWith("sha512:", StringComparison.Ordinal) && s.Length == 7 + 128)
        ? IsLowerHex(s, 7)
        : false;

    private static bool IsLowerHex(string s, int start)
    {
        for (var i = start; i < s.Length; i++)
        {
            if (s[i] is not (>= '0' and <= '9' or >= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}

using System;

namespace ImgTrack.Fuzz;

/// <summary>
/// <c>reference</c>: <see cref="ImageReference.Parse"/> throws only what it documents (ArgumentNullException for null,
/// ImageReferenceFormatException for an invalid name); TryParse agrees with it, with the same non-empty message; and
/// every part of a name it accepts is consistent and survives a round trip through <see cref="ImageReference.Reference"/>.
/// </summary>
internal sealed class ReferenceTarget : FuzzTarget
{
    private const string DockerHub = "docker.io";

    internal override string Name => "reference";

    protected override void CheckText(string text) => CheckName(text);

    /// <summary>The checks on one name; <see cref="PlantedBugTarget"/> runs them too.</summary>
    internal static void CheckName(string text)
    {
        CheckNull();

        ImageReference? parsed;
        string? parseMessage = null;
        try
        {
            parsed = ImageReference.Parse(text);
        }
        catch (ImageReferenceFormatException e) when (e.GetType() == typeof(ImageReferenceFormatException))
        {
            // The documented failure; anything else escapes and afl-fuzz records a crash.
            parsed = null;
            parseMessage = e.Message;
        }

        var valid = ImageReference.TryParse(text, out var tried, out var error);
        Expect(valid == (parsed is not null), "TryParse agrees with Parse", text);
        Expect(ImageReference.TryParse(text, out _) == valid, "both TryParse overloads agree", text);
        if (!valid)
        {
            Expect(!string.IsNullOrWhiteSpace(error), "a rejected name has a message", text);
            Expect(error == parseMessage, "TryParse's message is Parse's message", text);
            return;
        }

        Expect(error is null, "an accepted name has no message", text);
        Expect(tried!.Original == text, "Original is the text as given", text);
        CheckParts(parsed!, text);
        CheckSameParts(parsed!, tried, "TryParse reads the same parts as Parse", text);

        // The canonical reference names the same image: Parse(x.Reference) equals x in every part.
        Expect(ImageReference.TryParse(parsed!.Reference, out var again, out var againError), "Reference is a valid name (" + againError + ")", text);
        CheckSameParts(parsed, again!, "Parse(x.Reference) has x's parts", text);
        Expect(again!.Reference == again.Original, "Reference is its own reference", text);

        CheckFamiliarName(parsed, text);
    }

    private static void CheckNull()
    {
        try
        {
            ImageReference.Parse(null!);
            Expect(false, "Parse(null) throws ArgumentNullException", "null");
        }
        catch (ArgumentNullException e) when (e.GetType() == typeof(ArgumentNullException) && e.ParamName == "name")
        {
        }

        Expect(!ImageReference.TryParse(null, out _, out var error) && !string.IsNullOrWhiteSpace(error), "TryParse(null) is false with a message", "null");
    }

    // Every public property, read once each, consistent with the others and with the grammar's limits.
    private static void CheckParts(ImageReference r, string text)
    {
        var registry = r.Registry;
        var host = r.RegistryHost;
        var port = r.Port;
        var repository = r.Repository;
        var tag = r.Tag;
        var digest = r.Digest;
        var fullName = r.FullName;
        var familiar = r.FamiliarName;
        var reference = r.Reference;

        Expect(registry.Length > 0 && host.Length > 0 && repository.Length > 0 && familiar.Length > 0, "no part is empty", text);
        Expect(registry.StartsWith(host, StringComparison.Ordinal), "Registry starts with RegistryHost", text);
        Expect(registry.Length == host.Length || registry[host.Length] == ':', "Registry is RegistryHost or RegistryHost:port", text);
        Expect(port is null || (port >= 1 && port <= 65535 && registry.Length > host.Length), "Port is 1-65535 and written in Registry", text);
        Expect(repository.Length <= 255, "Repository has at most 255 characters", text);
        Expect(tag is not null || digest is not null, "a name has a tag, a digest or both", text);
        Expect(tag is null || tag.Length is >= 1 and <= 128, "a tag has 1-128 characters", text);
        Expect(digest is null || digest.IndexOf(':') > 0, "a digest is algorithm:hex", text);
        Expect(fullName == registry + "/" + repository, "FullName is Registry/Repository", text);
        Expect(reference == fullName + (tag is null ? string.Empty : ":" + tag) + (digest is null ? string.Empty : "@" + digest), "Reference is FullName[:Tag][@Digest]", text);
        Expect(r.ToString() == reference, "ToString() is Reference", text);
        Expect(registry != DockerHub || familiar == repository || "library/" + familiar == repository, "a Docker Hub FamiliarName is the repository, less library/", text);
        Expect(registry == DockerHub || familiar == fullName, "elsewhere FamiliarName is FullName", text);
    }

    // FamiliarName reads back as a name of the same repository, except where Docker's own familiar form is ambiguous
    // (familiarizeName; ReferenceProperties documents both): on Docker Hub, a first path component that reads as a host
    // ('.' or localhost) names that host when read back (docker.io/a.b/app gives a.b/app, registry a.b;
    // index.docker.io/docker.io/a/b gives docker.io/a/b, repository a/b), or no valid name when the host has '_', which
    // ImgTrack rejects on purpose (DESIGN.md); and a 64-hex familiar name is an image ID. Found by the long fuzz run,
    // which first had a narrower exception here.
    private static void CheckFamiliarName(ImageReference r, string text)
    {
        var familiar = r.FamiliarName;
        if (r.Registry == DockerHub && (FirstComponentReadsAsHost(familiar) || (familiar.Length == 64 && IsLowerHex(familiar))))
        {
            return;
        }

        Expect(ImageReference.TryParse(familiar, out var read, out var error), "FamiliarName is a valid name (" + error + ")", text);
        Expect(read!.FullName == r.FullName, "FamiliarName names the same repository", text);
    }

    // splitDockerDomain's test for the path components a Docker Hub repository can have (lowercase, no ':').
    private static bool FirstComponentReadsAsHost(string familiar)
    {
        var slash = familiar.IndexOf('/');
        return slash > 0 && (familiar.IndexOf('.', 0, slash) >= 0 || (slash == 9 && string.CompareOrdinal(familiar, 0, "localhost", 0, 9) == 0));
    }

    private static bool IsLowerHex(string s)
    {
        foreach (var c in s)
        {
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    private static void CheckSameParts(ImageReference expected, ImageReference actual, string rule, string text) =>
        Expect(
            expected.Registry == actual.Registry
            && expected.RegistryHost == actual.RegistryHost
            && expected.Port == actual.Port
            && expected.Repository == actual.Repository
            && expected.Tag == actual.Tag
            && expected.Digest == actual.Digest
            && expected.FullName == actual.FullName
            && expected.FamiliarName == actual.FamiliarName
            && expected.Reference == actual.Reference,
            rule,
            text);
}

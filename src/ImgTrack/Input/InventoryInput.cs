using ImgTrack.Inventory;

namespace ImgTrack.Input;

/// <summary>
/// An inventory row as the user passes it, turned into the core's <see cref="InventoryImage"/>: a live
/// <see cref="ImageIdentity"/> directly, anything else (Import-Csv rows, deserialized identities, hashtables) by the
/// names of ImageIdentity's columns.
/// </summary>
internal static class InventoryInput
{
    public static InventoryImage? ToImage(object? input)
    {
        var access = PowerShellObjectAccess.Instance;
        var value = input is System.Management.Automation.PSObject wrapper ? wrapper.BaseObject : input;
        if (value is ImageIdentity identity)
        {
            return InventoryImage.FromIdentity(identity);
        }

        if (value is null or string)
        {
            return null;
        }

        string? Text(string name) => access.TryGetMember(input, name, out var member) ? access.AsString(member) : null;

        return new InventoryImage(
            Text(nameof(ImageIdentity.ComputerName)),
            Text(nameof(ImageIdentity.Name)),
            Text(nameof(ImageIdentity.ImageId)),
            Text(nameof(ImageIdentity.TrackingKey)),
            access.TryGetMember(input, nameof(ImageIdentity.RepoDigests), out var digests) ? PowerShellObjectAccess.Strings(digests) : null,
            access.TryGetMember(input, nameof(ImageIdentity.RepoTags), out var tags) ? PowerShellObjectAccess.Strings(tags) : null,
            Text(nameof(ImageIdentity.Reference)),
            Text(nameof(ImageIdentity.ManifestDigest)),
            Text(nameof(ImageIdentity.ImageIdKind)),
            Text(nameof(ImageIdentity.ConfigDigest)));
    }
}

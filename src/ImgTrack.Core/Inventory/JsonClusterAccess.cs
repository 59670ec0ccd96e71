using System.Collections.Generic;
using System.Text.Json;

namespace ImgTrack.Inventory;

/// <summary>Reads System.Text.Json elements for <see cref="ClusterObjectReader{T}"/>: member names match exactly, as
/// Kubernetes' JSON spells them, so labels that differ only by case are just two members nobody asks for.</summary>
public sealed class JsonClusterAccess : IClusterObjectAccess<JsonElement>
{
    /// <summary>The one instance (the accessor holds no state).</summary>
    public static JsonClusterAccess Instance { get; } = new();

    /// <inheritdoc />
    public bool TryGetMember(JsonElement node, string name, out JsonElement value)
    {
        if (node.ValueKind == JsonValueKind.Object)
        {
            return node.TryGetProperty(name, out value);
        }

        value = default;
        return false;
    }

    /// <inheritdoc />
    public string? AsString(JsonElement node) => node.ValueKind == JsonValueKind.String ? node.GetString() : null;

    /// <inheritdoc />
    public bool TryGetItems(JsonElement node, out IEnumerable<JsonElement> items)
    {
        if (node.ValueKind == JsonValueKind.Array)
        {
            items = Enumerate(node);
            return true;
        }

        items = System.Array.Empty<JsonElement>();
        return false;
    }

    private static IEnumerable<JsonElement> Enumerate(JsonElement array)
    {
        foreach (var item in array.EnumerateArray())
        {
            yield return item;
        }
    }
}

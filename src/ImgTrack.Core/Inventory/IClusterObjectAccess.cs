using System.Collections.Generic;

namespace ImgTrack.Inventory;

/// <summary>
/// Reads one kind of object tree (System.Text.Json elements in the core; PowerShell objects and hashtables in the
/// module), so that <see cref="ClusterObjectReader{T}"/> walks pods the same way whatever they were parsed into.
/// </summary>
/// <typeparam name="T">The tree's node type.</typeparam>
public interface IClusterObjectAccess<T>
{
    /// <summary>The member <paramref name="name"/> of an object node (Kubernetes' JSON names, e.g. <c>imageID</c>);
    /// false when the node is no object or has no such member. A JSON null value is a member whose value reads as null.</summary>
    bool TryGetMember(T node, string name, out T value);

    /// <summary>The node's text, when it is a string (or a value PowerShell holds as one); else null.</summary>
    string? AsString(T node);

    /// <summary>The node's items, when it is an array or list; else false.</summary>
    bool TryGetItems(T node, out IEnumerable<T> items);
}

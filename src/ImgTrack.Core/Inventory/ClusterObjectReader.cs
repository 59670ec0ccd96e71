using System;
using System.Collections.Generic;
using ImgTrack.Text;

namespace ImgTrack.Inventory;

/// <summary>
/// Turns cluster objects into containers: a <c>kubectl get pods -o json</c> List (its <c>items</c>), a single pod, or
/// any row with an <c>imageID</c> member (another inventory tool's export). A pod gives one container per entry of
/// <c>spec.initContainers</c>, <c>spec.containers</c> and <c>spec.ephemeralContainers</c>, paired by name with its entry
/// in the matching <c>status</c> list; a container without a status (the pod is not started yet) waits, as one whose
/// status has an empty <c>imageID</c>. Only the members named here are read: labels and annotations are never touched.
/// </summary>
/// <typeparam name="T">The node type of the object tree.</typeparam>
public sealed class ClusterObjectReader<T>
{
    // spec list, status list: the three kinds of container a pod runs, init containers first, as they run first.
    private static readonly string[][] s_containerLists =
    {
        new[] { "initContainers", "initContainerStatuses" },
        new[] { "containers", "containerStatuses" },
        new[] { "ephemeralContainers", "ephemeralContainerStatuses" },
    };

    private readonly IClusterObjectAccess<T> _access;
    private readonly List<(string? Name, string? Image, string? ImageId, bool Used)> _statuses = new();

    /// <summary>Creates a reader over one kind of object tree.</summary>
    public ClusterObjectReader(IClusterObjectAccess<T> access)
    {
        _access = access ?? throw new ArgumentNullException(nameof(access));
    }

    /// <summary>Adds the containers of one cluster object (a List, a pod or a row) to <paramref name="items"/>, or one
    /// error item in place of an object that is none of them.</summary>
    public void Read(T node, List<ClusterItem<T>> items)
    {
        if (items is null)
        {
            throw new ArgumentNullException(nameof(items));
        }

        if (_access.TryGetMember(node, "items", out var list) && _access.TryGetItems(list, out var pods))
        {
            foreach (var pod in pods)
            {
                ReadOne(pod, items);
            }
        }
        else
        {
            ReadOne(node, items);
        }
    }

    private void ReadOne(T node, List<ClusterItem<T>> items)
    {
        if (_access.TryGetMember(node, "imageID", out var imageId))
        {
            items.Add(new ClusterItem<T>(node, Row(node, imageId), null));
            return;
        }

        var kind = Text(node, "kind");
        if (kind is not null && !string.Equals(kind, "Pod", StringComparison.Ordinal))
        {
            items.Add(new ClusterItem<T>(node, null, MessageText.Format(InventoryMessages.ClusterObjectNotPod, kind)));
            return;
        }

        var hasMetadata = _access.TryGetMember(node, "metadata", out var metadata);
        var hasSpec = _access.TryGetMember(node, "spec", out var spec);
        var hasStatus = _access.TryGetMember(node, "status", out var status);
        if (!hasMetadata && !hasSpec && !hasStatus)
        {
            items.Add(new ClusterItem<T>(node, null, InventoryMessages.ClusterRowWithoutImageId));
            return;
        }

        var ns = hasMetadata ? Text(metadata, "namespace") : null;
        var pod = hasMetadata ? Text(metadata, "name") : null;
        var nodeName = hasSpec ? Text(spec, "nodeName") : null;
        foreach (var names in s_containerLists)
        {
            LoadStatuses(hasStatus, status, names[1]);
            if (hasSpec && _access.TryGetMember(spec, names[0], out var specList) && _access.TryGetItems(specList, out var containers))
            {
                foreach (var container in containers)
                {
                    var name = Text(container, "name");
                    var imageIdText = TakeStatus(name) ?? string.Empty;
                    items.Add(new ClusterItem<T>(node, new ClusterContainer(ns, pod, name, nodeName, Text(container, "image"), imageIdText), null));
                }
            }

            // A status whose container the spec does not list (a trimmed export): its own image is all there is.
            for (var i = 0; i < _statuses.Count; i++)
            {
                var (name, image, id, used) = _statuses[i];
                if (!used)
                {
                    items.Add(new ClusterItem<T>(node, new ClusterContainer(ns, pod, name, nodeName, image, id ?? string.Empty), null));
                }
            }
        }
    }

    private ClusterContainer Row(T node, T imageId) =>
        new(
            Text(node, "namespace"),
            Text(node, "pod") ?? Text(node, "podName"),
            Text(node, "container") ?? Text(node, "containerName"),
            Text(node, "node") ?? Text(node, "nodeName"),
            Text(node, "image") ?? Text(node, "podImage"),
            _access.AsString(imageId) ?? string.Empty);

    private void LoadStatuses(bool hasStatus, T status, string listName)
    {
        _statuses.Clear();
        if (hasStatus && _access.TryGetMember(status, listName, out var list) && _access.TryGetItems(list, out var entries))
        {
            foreach (var entry in entries)
            {
                _statuses.Add((Text(entry, "name"), Text(entry, "image"), Text(entry, "imageID"), false));
            }
        }
    }

    // The imageID of the status named like the spec's container, marking it used; null when there is none.
    private string? TakeStatus(string? name)
    {
        for (var i = 0; i < _statuses.Count; i++)
        {
            var entry = _statuses[i];
            if (!entry.Used && string.Equals(entry.Name, name, StringComparison.Ordinal))
            {
                _statuses[i] = (entry.Name, entry.Image, entry.ImageId, true);
                return entry.ImageId ?? string.Empty;
            }
        }

        return null;
    }

    private string? Text(T node, string name) =>
        _access.TryGetMember(node, name, out var value) ? _access.AsString(value) : null;
}

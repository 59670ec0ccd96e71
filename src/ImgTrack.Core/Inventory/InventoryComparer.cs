using System;
using System.Collections.Generic;
using ImgTrack.Text;

namespace ImgTrack.Inventory;

/// <summary>
/// The merge of server inventories with the containers a cluster runs. Add the whole inventory first
/// (<see cref="Add"/>), then compare containers one by one as they stream in (<see cref="Compare"/>), then ask for the
/// inventory images no container runs (<see cref="InventoryOnly"/>).
/// </summary>
/// <remarks>
/// Content is matched by digest only, never by a name, because a tag can point at other content on every server. The
/// rules, the first that holds giving <see cref="ImageInventoryComparison.MatchedBy"/>: the container's repo-digest key
/// equals an image's tracking key; it is one of an image's repo digests; its digest is one of an image's manifest or
/// index digests under any repository (a mirror, or the lexically first repository containerd reports); or the runtime
/// reports a bare image ID that equals an image's ID. Names serve only to find servers whose copy of the pod spec's
/// name:tag is other content (stale). Containers with the same <c>imageID</c> share one lookup, so a fleet where every
/// node runs the same image costs one match per distinct image, not per container.
/// </remarks>
public sealed class InventoryComparer
{
    private static readonly ValueList s_empty = ValueList.Empty;

    private readonly List<InventoryEntry> _entries = new();
    private readonly List<InventoryGroup> _groups = new();
    private readonly Dictionary<(string Computer, string Id), int> _groupByKey = new();
    private readonly KeyIndex _byTrackingKey = new();
    private readonly KeyIndex _byRepoDigest = new();
    private readonly KeyIndex _byDigest = new();
    private readonly KeyIndex _byImageId = new();
    private readonly KeyIndex _byNameTag = new();
    private readonly Dictionary<string, string?> _keyOfImageId = new(StringComparer.Ordinal);
    private readonly InventoryText _text = new();
    private readonly Dictionary<string, InventoryMatch> _matchByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Key, string NameTag), ValueList> _staleByKeyAndTag = new();
    private readonly HashSet<string> _seenComputers = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _computers = new();
    private bool _comparing;

    /// <summary>The number of inventory images added.</summary>
    public int Count => _entries.Count;

    /// <summary>Compares every container with the inventory, then lists the inventory images no container runs.</summary>
    /// <param name="inventory">The server images, from any number of servers.</param>
    /// <param name="containers">The cluster's containers.</param>
    /// <returns>One result per inventory error, then one per container, then one per inventory-only image.</returns>
    public static IEnumerable<ComparisonResult> Run(IEnumerable<InventoryImage> inventory, IEnumerable<ClusterContainer> containers)
    {
        if (inventory is null)
        {
            throw new ArgumentNullException(nameof(inventory));
        }

        if (containers is null)
        {
            throw new ArgumentNullException(nameof(containers));
        }

        return RunIterator(inventory, containers);
    }

    /// <summary>Adds one inventory image; null when it was indexed, else the rule it breaks (the image is left out).</summary>
    public string? Add(InventoryImage image)
    {
        if (image is null)
        {
            throw new ArgumentNullException(nameof(image));
        }

        if (_comparing)
        {
            throw new InvalidOperationException(InventoryMessages.InventoryClosed);
        }

        string? key = null;
        if (image.TrackingKey is not null && !_text.TryNormalize(image.TrackingKey, out key, out var keyError))
        {
            return MessageText.Format(InventoryMessages.InventoryValueInvalid, nameof(image.TrackingKey), keyError);
        }

        string? imageId = null;
        if (image.ImageId is not null && !_text.TryNormalize(image.ImageId, out imageId, out var idError))
        {
            return MessageText.Format(InventoryMessages.InventoryValueInvalid, nameof(image.ImageId), idError);
        }

        if (key is null && imageId is null)
        {
            return InventoryMessages.InventoryImageWithoutId;
        }

        var repoDigests = new string[image.RepoDigests.Count];
        for (var i = 0; i < repoDigests.Length; i++)
        {
            if (!_text.TryNormalize(image.RepoDigests[i], out var repoDigest, out var digestError))
            {
                return MessageText.Format(InventoryMessages.InventoryValueInvalid, nameof(image.RepoDigests), digestError);
            }

            repoDigests[i] = repoDigest;
        }

        var number = _entries.Count;
        var group = GroupOf(image.ComputerName, imageId ?? key!);
        _entries.Add(new InventoryEntry(image, group));
        _groups[group].Entries.Add(number);

        var configId = string.IsNullOrEmpty(image.ImageIdKind) || string.Equals(image.ImageIdKind, nameof(ImgTrack.ImageIdKind.Config), StringComparison.OrdinalIgnoreCase);
        if (key is not null && IsRepoDigest(key))
        {
            _byTrackingKey.Add(key, number);
            _byDigest.Add(DigestOf(key), number);
        }
        else
        {
            _byImageId.Add(key, number);
        }

        foreach (var repoDigest in repoDigests)
        {
            if (IsRepoDigest(repoDigest))
            {
                _byRepoDigest.Add(repoDigest, number);
                _byDigest.Add(DigestOf(repoDigest), number);
            }
        }

        _byDigest.Add(image.ManifestDigest, number);
        if (configId)
        {
            _byImageId.Add(imageId, number);
        }
        else
        {
            // Docker's containerd image store: the image ID is the manifest's or index's digest.
            _byDigest.Add(imageId, number);
        }

        if (image.ConfigDigest is not null && !string.Equals(image.ConfigDigest, imageId, StringComparison.Ordinal))
        {
            _byImageId.Add(image.ConfigDigest, number);
        }

        foreach (var tag in image.RepoTags)
        {
            _byNameTag.Add(_text.NameTag(tag), number);
        }

        // The name the server was asked for (a -Remote identity lists no tags); a repeat of a tag costs nothing, since
        // stale servers are collected as a set.
        if (image.Reference is not null)
        {
            _byNameTag.Add(_text.NameTag(image.Reference), number);
        }

        return null;
    }

    /// <summary>The row of one container (or the error in its place); the inventory must be complete.</summary>
    public ComparisonResult Compare(ClusterContainer container)
    {
        if (container is null)
        {
            throw new ArgumentNullException(nameof(container));
        }

        _comparing = true;
        if (container.ImageId is null)
        {
            return ComparisonResult.Failed(ComparisonError.ImageIdMissing, InventoryMessages.ClusterRowWithoutImageId);
        }

        if (container.ImageId.Length == 0)
        {
            return ComparisonResult.Of(new ImageInventoryComparison(ImageInventoryStatus.Pending, null, container, null, s_empty, s_empty, s_empty, s_empty));
        }

        if (!_keyOfImageId.TryGetValue(container.ImageId, out var key))
        {
            key = TrackingKey.TryCreate(container.ImageId, out var created, out var error) ? created : null;
            _keyOfImageId[container.ImageId] = key;
            if (key is null)
            {
                return ComparisonResult.Failed(
                    ComparisonError.InvalidTrackingId,
                    MessageText.Format(InventoryMessages.ClusterImageIdInvalid, container.Container ?? string.Empty, container.Namespace ?? string.Empty, container.Pod ?? string.Empty, error!));
            }
        }
        else if (key is null)
        {
            TrackingKey.TryCreate(container.ImageId, out _, out var error);
            return ComparisonResult.Failed(
                ComparisonError.InvalidTrackingId,
                MessageText.Format(InventoryMessages.ClusterImageIdInvalid, container.Container ?? string.Empty, container.Namespace ?? string.Empty, container.Pod ?? string.Empty, error!));
        }

        var match = MatchOf(key);
        var stale = StaleOf(key, match, container.Image);
        var status = match.By is not null ? ImageInventoryStatus.Matched
            : stale.Count > 0 ? ImageInventoryStatus.TagMoved
            : ImageInventoryStatus.ClusterOnly;
        return ComparisonResult.Of(new ImageInventoryComparison(status, match.By, container, key, match.ComputerNames, match.Names, match.Keys, stale));
    }

    /// <summary>One row per inventory image (per server and image ID) that no compared container runs, in inventory order.</summary>
    public IEnumerable<ImageInventoryComparison> InventoryOnly()
    {
        foreach (var group in _groups)
        {
            if (group.Runs)
            {
                continue;
            }

            var names = new List<string?>();
            var keys = new List<string?>();
            foreach (var number in group.Entries)
            {
                AddDistinct(names, _entries[number].Image.Name);
                AddDistinct(keys, _entries[number].Image.TrackingKey);
            }

            var computer = group.ComputerName is null ? s_empty : new ValueList(new[] { group.ComputerName });
            yield return new ImageInventoryComparison(ImageInventoryStatus.InventoryOnly, null, null, null, computer, new ValueList(names), new ValueList(keys), s_empty);
        }
    }

    private static IEnumerable<ComparisonResult> RunIterator(IEnumerable<InventoryImage> inventory, IEnumerable<ClusterContainer> containers)
    {
        var comparer = new InventoryComparer();
        foreach (var image in inventory)
        {
            var error = comparer.Add(image);
            if (error is not null)
            {
                yield return ComparisonResult.Failed(ComparisonError.InvalidInventoryImage, error);
            }
        }

        foreach (var container in containers)
        {
            yield return comparer.Compare(container);
        }

        foreach (var row in comparer.InventoryOnly())
        {
            yield return ComparisonResult.Of(row);
        }
    }

    private InventoryMatch MatchOf(string key)
    {
        if (_matchByKey.TryGetValue(key, out var known))
        {
            return known;
        }

        var matched = new List<int>();
        var seen = new HashSet<int>();
        ImageInventoryMatch? by = null;
        if (IsRepoDigest(key))
        {
            Collect(_byTrackingKey, key, ImageInventoryMatch.TrackingKey, matched, seen, ref by);
            Collect(_byRepoDigest, key, ImageInventoryMatch.RepoDigest, matched, seen, ref by);
            Collect(_byDigest, DigestOf(key), ImageInventoryMatch.Digest, matched, seen, ref by);
        }
        else
        {
            Collect(_byImageId, key, ImageInventoryMatch.ImageId, matched, seen, ref by);
        }

        var names = new List<string?>();
        var keys = new List<string?>();
        foreach (var number in matched)
        {
            var entry = _entries[number];
            _groups[entry.Group].Runs = true;
            AddComputer(entry.Image.ComputerName);
            AddDistinct(names, entry.Image.Name);
            AddDistinct(keys, entry.Image.TrackingKey);
        }

        seen.TrimExcess();
        var match = new InventoryMatch(by, seen, TakeComputers(), new ValueList(names), new ValueList(keys));
        _matchByKey[key] = match;
        return match;
    }

    // Servers whose images under the pod spec's name:tag are none of the matched ones. A spec pinned by digest has no
    // tag that could have moved.
    private ValueList StaleOf(string key, InventoryMatch match, string? specImage)
    {
        if (specImage is null)
        {
            return s_empty;
        }

        var nameTag = _text.NameTag(specImage);
        if (nameTag is null)
        {
            return s_empty;
        }

        if (_staleByKeyAndTag.TryGetValue((key, nameTag), out var known))
        {
            return known;
        }

        for (var link = _byNameTag.First(nameTag); link >= 0; link = _byNameTag.Next(link))
        {
            var number = _byNameTag.Image(link);
            if (!match.Images.Contains(number))
            {
                AddComputer(_entries[number].Image.ComputerName);
            }
        }

        var stale = TakeComputers();
        _staleByKeyAndTag[(key, nameTag)] = stale;
        return stale;
    }

    // Adds the images under key in inventory order; the first rule that finds any becomes MatchedBy.
    private static void Collect(KeyIndex index, string key, ImageInventoryMatch rule, List<int> matched, HashSet<int> seen, ref ImageInventoryMatch? by)
    {
        var start = matched.Count;
        for (var link = index.First(key); link >= 0; link = index.Next(link))
        {
            var number = index.Image(link);
            if (seen.Add(number))
            {
                matched.Add(number);
            }
        }

        if (matched.Count > start)
        {
            matched.Sort(start, matched.Count - start, null);
            by ??= rule;
        }
    }

    private int GroupOf(string? computerName, string id)
    {
        var groupKey = (_text.Upper(computerName ?? string.Empty), id);
        if (!_groupByKey.TryGetValue(groupKey, out var group))
        {
            group = _groups.Count;
            _groups.Add(new InventoryGroup(computerName));
            _groupByKey.Add(groupKey, group);
        }

        return group;
    }

    // Server names collect as a set without case (host names), listed in ordinal order without case: a reused set and
    // list, sorted once, cost far less per match than a sorted set built and walked for each one.
    private void AddComputer(string? computerName)
    {
        if (computerName is not null && _seenComputers.Add(computerName))
        {
            _computers.Add(computerName);
        }
    }

    private ValueList TakeComputers()
    {
        var list = s_empty;
        if (_computers.Count > 0)
        {
            _computers.Sort(StringComparer.OrdinalIgnoreCase);
            list = new ValueList(_computers);
        }

        _computers.Clear();
        _seenComputers.Clear();
        return list;
    }

    private static bool IsRepoDigest(string key) => key.IndexOf('@') > 0;

    private static string DigestOf(string repoDigest) => repoDigest.Substring(repoDigest.LastIndexOf('@') + 1);

    private static void AddDistinct(List<string?> values, string? value)
    {
        if (value is not null && !values.Contains(value))
        {
            values.Add(value);
        }
    }
}

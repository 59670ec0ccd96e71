using System.Collections.Generic;

namespace ImgTrack.Inventory;

/// <summary>One indexed inventory image and its group.</summary>
internal sealed class InventoryEntry
{
    public InventoryEntry(InventoryImage image, int group)
    {
        Image = image;
        Group = group;
    }

    public InventoryImage Image { get; }

    /// <summary>The number of its <see cref="InventoryGroup"/>.</summary>
    public int Group { get; }
}

/// <summary>The inventory images of one server and one image ID: one inventory-only row when no container runs them.</summary>
internal sealed class InventoryGroup
{
    public InventoryGroup(string? computerName) => ComputerName = computerName;

    public string? ComputerName { get; }

    public List<int> Entries { get; } = new(1);

    public bool Runs { get; set; }
}

/// <summary>What one container key matched: shared by every container that reports the same key.</summary>
internal sealed class InventoryMatch
{
    public InventoryMatch(ImageInventoryMatch? by, HashSet<int> images, ValueList computerNames, ValueList names, ValueList keys)
    {
        By = by;
        Images = images;
        ComputerNames = computerNames;
        Names = names;
        Keys = keys;
    }

    public ImageInventoryMatch? By { get; }

    /// <summary>The numbers of the matched images (to tell stale copies of the name:tag from matched ones).</summary>
    public HashSet<int> Images { get; }

    public ValueList ComputerNames { get; }

    public ValueList Names { get; }

    public ValueList Keys { get; }
}

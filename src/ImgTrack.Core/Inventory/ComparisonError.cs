namespace ImgTrack.Inventory;

/// <summary>Why one input of the merge gave no row. The names are the cmdlet's error IDs.</summary>
public enum ComparisonError
{
    /// <summary>A cluster object has no <c>imageID</c> and is no pod.</summary>
    ImageIdMissing,

    /// <summary>A container's <c>imageID</c> is no form of tracking ID.</summary>
    InvalidTrackingId,

    /// <summary>An inventory row has no image ID or tracking key, or one that is no tracking ID.</summary>
    InvalidInventoryImage,
}

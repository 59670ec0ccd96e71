using System;

namespace ImgTrack.Inventory;

/// <summary>The result for one input of the merge: a row, or the error to report against that input. Never both.</summary>
public sealed class ComparisonResult
{
    private ComparisonResult(ImageInventoryComparison? row, ComparisonError? error, string? message)
    {
        Row = row;
        Error = error;
        Message = message;
    }

    /// <summary>The row, when the input gave one.</summary>
    public ImageInventoryComparison? Row { get; }

    /// <summary>The error, when it did not.</summary>
    public ComparisonError? Error { get; }

    /// <summary>The rule that failed, in the user's language.</summary>
    public string? Message { get; }

    internal static ComparisonResult Of(ImageInventoryComparison row) => new(row ?? throw new ArgumentNullException(nameof(row)), null, null);

    internal static ComparisonResult Failed(ComparisonError error, string message) => new(null, error, message);
}

using System;
using System.Collections;
using System.Collections.Generic;

namespace ImgTrack;

/// <summary>
/// An immutable list of strings (repo digests, repo tags) that stays a real collection in the pipeline
/// but renders as one <c>;</c>-joined cell wherever PowerShell turns a value into text: <c>Export-Csv</c>
/// calls <see cref="ToString"/>, and ImgTrack.types.ps1xml serializes it as that string for remoting, where
/// a deserialized list would otherwise become a space-joined cell.
/// </summary>
public sealed class ValueList : IReadOnlyList<string>
{
    /// <summary>The separator used by <see cref="ToString"/>; neither digests nor tags can contain it.</summary>
    public const string Separator = ";";

    private static readonly string[] s_none = Array.Empty<string>();
    private readonly string[] _items;

    /// <summary>An empty list.</summary>
    public static ValueList Empty { get; } = new ValueList(s_none);

    /// <summary>Creates a list holding a copy of <paramref name="items"/>, skipping nulls.</summary>
    public ValueList(IEnumerable<string?>? items)
    {
        if (items is null)
        {
            _items = s_none;
            return;
        }

        var copy = new List<string>();
        foreach (var item in items)
        {
            if (item is not null)
            {
                copy.Add(item);
            }
        }

        _items = copy.Count == 0 ? s_none : copy.ToArray();
    }

    /// <summary>The number of values.</summary>
    public int Count => _items.Length;

    /// <summary>The value at <paramref name="index"/>.</summary>
    public string this[int index] => _items[index];

    /// <inheritdoc />
    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <summary>The values joined with <c>;</c>: the text of a CSV cell.</summary>
    public override string ToString() => string.Join(Separator, _items);
}

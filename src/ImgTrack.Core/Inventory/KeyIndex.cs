using System;
using System.Collections.Generic;

namespace ImgTrack.Inventory;

/// <summary>
/// A multimap from a key to image numbers, kept as chains in two arrays: one dictionary entry per distinct key and
/// no list per key, since most keys (digests) name one image and 50,000 small lists cost more than the chains. The head of
/// a chain sits in a small mutable box, so that adding under a key already seen hashes the key once, not twice.
/// </summary>
internal sealed class KeyIndex
{
    private readonly Dictionary<string, Head> _head = new(StringComparer.Ordinal);
    private int[] _image = new int[64];
    private int[] _next = new int[64];
    private int _count;

    /// <summary>Adds <paramref name="image"/> under <paramref name="key"/> (no-op for a null key).</summary>
    public void Add(string? key, int image)
    {
        if (key is null)
        {
            return;
        }

        if (_count == _image.Length)
        {
            Array.Resize(ref _image, _count * 2);
            Array.Resize(ref _next, _count * 2);
        }

        _image[_count] = image;
        if (_head.TryGetValue(key, out var head))
        {
            _next[_count] = head.Link;
            head.Link = _count;
        }
        else
        {
            _next[_count] = -1;
            _head.Add(key, new Head { Link = _count });
        }

        _count++;
    }

    /// <summary>The first link of the images under <paramref name="key"/>, or -1; walk on with <see cref="Next"/>.</summary>
    public int First(string key) => _head.TryGetValue(key, out var head) ? head.Link : -1;

    /// <summary>The link after <paramref name="link"/>, or -1.</summary>
    public int Next(int link) => _next[link];

    /// <summary>The image number at <paramref name="link"/>.</summary>
    public int Image(int link) => _image[link];

    private sealed class Head
    {
        public int Link { get; set; }
    }
}

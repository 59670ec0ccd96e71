using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using ImgTrack.Text;

namespace ImgTrack.Inventory;

/// <summary>
/// Reads the file <c>kubectl get pods -A -o json &gt; pods.json</c> writes, one pod at a time: a List's <c>items</c>
/// (or a single pod, or an array of pods) become containers through <see cref="ClusterObjectReader{T}"/>.
/// </summary>
/// <remarks>
/// The file is read in chunks with <see cref="Utf8JsonReader"/>, and only one pod at a time is held as a document, so
/// memory does not grow with the file. Windows PowerShell 5.1's <c>&gt;</c> writes UTF-16 with a byte order mark:
/// such a file is decoded to UTF-8 first (in memory; UTF-8 files, with or without a BOM, stream).
/// </remarks>
public static class ClusterFile
{
    /// <summary>The containers of the file at <paramref name="path"/>; throws <see cref="ClusterFileException"/> where the
    /// JSON breaks (the containers before that point have been returned).</summary>
    public static IEnumerable<ClusterItem<JsonElement>> Read(string path)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        return ReadIterator(path);
    }

    /// <summary>The containers of a JSON stream; <paramref name="name"/> names it in error messages.</summary>
    public static IEnumerable<ClusterItem<JsonElement>> Read(Stream stream, string name)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        return ReadIterator(stream, name ?? string.Empty);
    }

    private static IEnumerable<ClusterItem<JsonElement>> ReadIterator(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
        foreach (var item in ReadIterator(stream, path))
        {
            yield return item;
        }
    }

    private static IEnumerable<ClusterItem<JsonElement>> ReadIterator(Stream stream, string name)
    {
        var walker = new Walker(stream);
        var items = new List<ClusterItem<JsonElement>>();
        bool more;
        do
        {
            try
            {
                more = walker.Step(items);
            }
            catch (JsonException ex)
            {
                throw new ClusterFileException(MessageText.Format(InventoryMessages.ClusterFileInvalid, name, ex.Message), ex);
            }

            foreach (var item in items)
            {
                yield return item;
            }

            items.Clear();
        }
        while (more);
    }

    private enum Phase
    {
        Top,
        TopObject,
        Items,
        End,
    }

    private enum Progress
    {
        NeedMore,
        Yield,
        Done,
    }

    // A resumable walk: the reader is a ref struct, so between chunks only its state and the unread bytes are kept. Any
    // value that must be read whole (a pod, a top-level member) is first skipped on a copy of the reader; when the
    // chunk ends inside it, the reader goes back to before it, and the next chunk is appended.
    private sealed class Walker
    {
        private readonly ClusterObjectReader<JsonElement> _pods = new(JsonClusterAccess.Instance);
        private readonly List<KeyValuePair<string, JsonDocument>> _members = new();
        private Stream _stream;
        private byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;
        private bool _final;
        private bool _firstRead = true;
        private JsonReaderState _state;
        private Phase _phase;
        private bool _topArray;
        private bool _sawItems;

        public Walker(Stream stream) => _stream = stream;

        // Adds the next pod's items; false when the document is done.
        public bool Step(List<ClusterItem<JsonElement>> items)
        {
            while (true)
            {
                var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(_buffer, _start, _end - _start), _final, _state);
                var progress = Advance(ref reader, items);
                _start += (int)reader.BytesConsumed;
                _state = reader.CurrentState;
                switch (progress)
                {
                    case Progress.Done:
                        return false;
                    case Progress.Yield:
                        return true;
                    default:
                        if (_final)
                        {
                            throw new JsonException(InventoryMessages.ClusterFileTruncated);
                        }

                        Fill();
                        break;
                }
            }
        }

        private Progress Advance(ref Utf8JsonReader reader, List<ClusterItem<JsonElement>> items)
        {
            while (true)
            {
                var checkpoint = reader;
                switch (_phase)
                {
                    case Phase.Top:
                        if (!reader.Read())
                        {
                            reader = checkpoint;
                            return Progress.NeedMore;
                        }

                        if (reader.TokenType == JsonTokenType.StartObject)
                        {
                            _phase = Phase.TopObject;
                        }
                        else if (reader.TokenType == JsonTokenType.StartArray)
                        {
                            _phase = Phase.Items;
                            _topArray = true;
                        }
                        else
                        {
                            throw new JsonException(MessageText.Format(InventoryMessages.ClusterFileRoot, reader.TokenType));
                        }

                        break;

                    case Phase.TopObject:
                        if (!reader.Read())
                        {
                            reader = checkpoint;
                            return Progress.NeedMore;
                        }

                        if (reader.TokenType == JsonTokenType.EndObject)
                        {
                            _phase = Phase.End;
                            ReadSinglePod(items);
                            return Progress.Done;
                        }

                        var name = reader.GetString() ?? string.Empty;
                        if (!reader.Read())
                        {
                            reader = checkpoint;
                            return Progress.NeedMore;
                        }

                        if (reader.TokenType == JsonTokenType.StartArray && string.Equals(name, "items", StringComparison.Ordinal))
                        {
                            // The one value never held whole: its pods are read one by one.
                            _phase = Phase.Items;
                            _sawItems = true;
                        }
                        else if (!IsWhole(reader))
                        {
                            reader = checkpoint;
                            return Progress.NeedMore;
                        }
                        else
                        {
                            // A List's apiVersion, kind and metadata, or a single pod's members: small either way.
                            _members.Add(new KeyValuePair<string, JsonDocument>(name, JsonDocument.ParseValue(ref reader)));
                        }

                        break;

                    case Phase.Items:
                        if (!reader.Read())
                        {
                            reader = checkpoint;
                            return Progress.NeedMore;
                        }

                        if (reader.TokenType == JsonTokenType.EndArray)
                        {
                            _phase = _topArray ? Phase.End : Phase.TopObject;
                            if (_topArray)
                            {
                                return Progress.Done;
                            }

                            break;
                        }

                        if (!IsWhole(reader))
                        {
                            reader = checkpoint;
                            return Progress.NeedMore;
                        }

                        using (var pod = JsonDocument.ParseValue(ref reader))
                        {
                            ReadPod(pod.RootElement, items);
                        }

                        return Progress.Yield;

                    default:
                        return Progress.Done;
                }
            }
        }

        private void ReadPod(JsonElement pod, List<ClusterItem<JsonElement>> items)
        {
            var first = items.Count;
            _pods.Read(pod, items);
            for (var i = first; i < items.Count; i++)
            {
                if (items[i].Container is null)
                {
                    // The document is disposed after this pod: an error's target must outlive it.
                    items[i] = new ClusterItem<JsonElement>(items[i].Source.Clone(), null, items[i].Error);
                }
            }
        }

        // A top-level object without items is one pod (kubectl get pod NAME -o json): its members, put back together.
        private void ReadSinglePod(List<ClusterItem<JsonElement>> items)
        {
            if (_sawItems)
            {
                DisposeMembers();
                return;
            }

            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                foreach (var member in _members)
                {
                    writer.WritePropertyName(member.Key);
                    member.Value.RootElement.WriteTo(writer);
                }

                writer.WriteEndObject();
            }

            DisposeMembers();
            using var pod = JsonDocument.Parse(buffer.ToArray());
            ReadPod(pod.RootElement, items);
        }

        private void DisposeMembers()
        {
            foreach (var member in _members)
            {
                member.Value.Dispose();
            }

            _members.Clear();
        }

        // True when the value at the reader (a primitive, or an object or array) ends inside this chunk.
        private static bool IsWhole(Utf8JsonReader probe) =>
            (probe.TokenType != JsonTokenType.StartObject && probe.TokenType != JsonTokenType.StartArray) || probe.TrySkip();

        private void Fill()
        {
            var remaining = _end - _start;
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, remaining);
                _start = 0;
                _end = remaining;
            }

            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _final = true;
                return;
            }

            _end += read;
            if (_firstRead)
            {
                _firstRead = false;
                SkipByteOrderMark();
            }
        }

        private void SkipByteOrderMark()
        {
            if (_end >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
            {
                _start = 3;
            }
            else if (_end >= 2 && ((_buffer[0] == 0xFF && _buffer[1] == 0xFE) || (_buffer[0] == 0xFE && _buffer[1] == 0xFF)))
            {
                using var rest = new MemoryStream();
                rest.Write(_buffer, 0, _end);
                _stream.CopyTo(rest);
                rest.Position = 0;
                using var text = new StreamReader(rest, Encoding.Unicode, detectEncodingFromByteOrderMarks: true);
                _stream = new MemoryStream(Encoding.UTF8.GetBytes(text.ReadToEnd()));
                _start = 0;
                _end = _stream.Read(_buffer, 0, _buffer.Length);
            }
        }
    }
}

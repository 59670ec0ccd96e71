using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using ImgTrack.Text;

namespace ImgTrack.Engine;

/// <summary>
/// Reads <c>GET /images/json</c> as it streams in, one entry at a time, so memory holds the records ImgTrack keeps and
/// one entry's bytes, never the whole answer: a legitimate list of 200,000 images costs what its records need, and a
/// hostile one ends with <see cref="AnswerTooLargeException"/> at a known limit (<see cref="EngineOptions.MaxListEntryBytes"/>
/// per entry, <see cref="EngineOptions.MaxListMemory"/> for the records) instead of exhausting memory.
/// </summary>
internal static class ImageListReader
{
    private const int FirstBufferBytes = 64 * 1024;

    // Room beyond one entry's limit for the comma and whitespace before it.
    private const int BufferSlack = 16 * 1024;

    /// <summary>Reads the whole list.</summary>
    /// <exception cref="JsonException">The answer is not JSON.</exception>
    /// <exception cref="InvalidDataException">The answer is JSON, but not an array of image objects.</exception>
    /// <exception cref="AnswerTooLargeException">An entry or the list is beyond its limit.</exception>
    public static async Task<List<ImageSummary>> ReadAsync(Stream stream, EngineOptions limits, CancellationToken cancellationToken)
    {
        var list = new ListState(limits);
        var buffer = new byte[Math.Min(FirstBufferBytes, limits.MaxListEntryBytes + BufferSlack)];
        var length = 0;
        var final = false;
        while (true)
        {
            if (list.Parse(buffer, length, final))
            {
                return list.Images;
            }

            // Keep what is not yet parsed (a partial entry) at the buffer's start, and make room for more.
            if (list.Start > 0)
            {
                Buffer.BlockCopy(buffer, list.Start, buffer, 0, length - list.Start);
                length -= list.Start;
                list.Start = 0;
            }

            if (length == buffer.Length)
            {
                if (buffer.Length >= limits.MaxListEntryBytes + BufferSlack)
                {
                    throw list.EntryTooLarge();
                }

                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limits.MaxListEntryBytes + BufferSlack));
            }

            var read = await stream.ReadAsync(buffer, length, buffer.Length - length, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                final = true;
            }

            length += read;
        }
    }

    /// <summary>Where the reading is, between reads of the stream.</summary>
    private sealed class ListState
    {
        private readonly EngineOptions _limits;
        private JsonReaderState _state;
        private bool _started;
        private long _memory;

        public ListState(EngineOptions limits) => _limits = limits;

        public List<ImageSummary> Images { get; } = new();

        /// <summary>The first byte of the buffer not yet parsed.</summary>
        public int Start { get; set; }

        /// <summary>Parses what the buffer holds; true once the list's closing bracket is read.</summary>
        public bool Parse(byte[] buffer, int length, bool final)
        {
            var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(buffer, Start, length - Start), final, _state);
            while (true)
            {
                var before = reader.CurrentState;
                var consumed = (int)reader.BytesConsumed;
                if (!reader.Read())
                {
                    Advance(consumed, before);
                    return false;
                }

                if (!_started)
                {
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw new InvalidDataException(EngineMessages.AnswerNotObjectArray);
                    }

                    _started = true;
                    continue;
                }

                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    return true;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new InvalidDataException(EngineMessages.AnswerNotObjectArray);
                }

                var entryStart = (int)reader.TokenStartIndex;
                if (!reader.TrySkip())
                {
                    // The entry is not all here: parse it again, whole, once more bytes came.
                    Advance(consumed, before);
                    if (length - Start > _limits.MaxListEntryBytes)
                    {
                        throw EntryTooLarge();
                    }

                    return false;
                }

                var entry = new ReadOnlySpan<byte>(buffer, Start + entryStart, (int)reader.BytesConsumed - entryStart);
                if (entry.Length > _limits.MaxListEntryBytes)
                {
                    throw EntryTooLarge();
                }

                Add(entry);
            }
        }

        public AnswerTooLargeException EntryTooLarge() => new(MessageText.Format(
            EngineMessages.AnswerLimitEntry, Images.Count, _limits.MaxListEntryBytes / (1024 * 1024)));

        private void Advance(int consumed, JsonReaderState state)
        {
            Start += consumed;
            _state = state;
        }

        private void Add(ReadOnlySpan<byte> entry)
        {
            ImagesListResponse model;
            try
            {
                model = JsonSerializer.Deserialize(entry, EngineAnswers.ListEntry) ?? throw new InvalidDataException(EngineMessages.AnswerNotObjectArray);
            }
            catch (JsonException e)
            {
                // The entry is well-formed JSON (TrySkip read it), so this is a member of the wrong type; the path names it.
                var path = e.Path is null or "$" ? string.Empty : e.Path.Substring(1);
                throw new InvalidDataException("'[" + Images.Count + "]" + path + "' has the wrong type.", e);
            }

            var image = EngineAnswers.ToSummary(model);
            _memory += Estimate(image);
            if (_memory > _limits.MaxListMemory)
            {
                throw new AnswerTooLargeException(MessageText.Format(EngineMessages.AnswerLimitList, _limits.MaxListMemory / (1024 * 1024), Images.Count));
            }

            Images.Add(image);
        }

        // What one record holds on the heap, roughly: the record, its lists, and each string (UTF-16, with its header).
        private static long Estimate(ImageSummary image)
        {
            long bytes = 128 + StringBytes(image.Id);
            foreach (var tag in image.RepoTags)
            {
                bytes += 8 + StringBytes(tag);
            }

            foreach (var digest in image.RepoDigests)
            {
                bytes += 8 + StringBytes(digest);
            }

            return bytes;
        }

        private static long StringBytes(string text) => 32 + (2L * text.Length);
    }
}

/// <summary>An engine answer beyond a size limit of <see cref="EngineOptions"/>; the message says which.</summary>
internal sealed class AnswerTooLargeException : Exception
{
    public AnswerTooLargeException(string message)
        : base(message)
    {
    }
}

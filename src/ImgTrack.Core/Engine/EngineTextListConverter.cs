using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImgTrack.Engine;

/// <summary>
/// Reads a list of strings from an engine answer (<c>RepoTags</c>, <c>RepoDigests</c>) without letting one bad string
/// cost the answer: bytes that are not UTF-8 are decoded with U+FFFD in their place, and the grammar check where engine
/// data enters (<see cref="EngineAnswers"/>) then leaves that one entry out with a warning. System.Text.Json's own
/// reader throws on such a string, and the whole list or image was lost. <c>null</c> entries are skipped.
/// </summary>
internal sealed class EngineTextListConverter : JsonConverter<IList<string>>
{
    // Replaces what is not UTF-8 instead of throwing.
    private static readonly Encoding s_lossy = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>The one instance.</summary>
    public static EngineTextListConverter Instance { get; } = new();

    /// <inheritdoc />
    public override IList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("expected an array of strings.");
        }

        var values = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    values.Add(Decode(ref reader));
                    break;
                case JsonTokenType.Null:
                    break;
                default:
                    throw new JsonException("expected an array of strings.");
            }
        }

        return values;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, IList<string> value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Engine answers are only read.");

    private static string Decode(ref Utf8JsonReader reader)
    {
        var raw = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray();
        if (reader.ValueIsEscaped)
        {
            try
            {
                return reader.GetString() ?? string.Empty;
            }
            catch (InvalidOperationException)
            {
                // An escape for half a surrogate pair, or raw bytes that are not UTF-8 beside escapes: shown as they came.
            }
        }

        return s_lossy.GetString(raw);
    }
}

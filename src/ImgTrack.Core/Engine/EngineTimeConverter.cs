using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImgTrack.Engine;

/// <summary>
/// Reads the engine's <c>Created</c> times into Docker.DotNet's models: Unix seconds in <c>/images/json</c>, RFC 3339 with
/// nanoseconds in <c>/images/{name}/json</c>. A time it cannot read (an empty string, text that is no date, a number out of
/// range, <c>null</c>) is <c>default(DateTime)</c>, which <see cref="EngineAnswers"/> reports as unknown: the time is
/// optional and only informative, and an engine's odd date must not cost an image its identity. Docker.DotNet's own
/// converter throws there instead (a <c>JsonException</c>, or <c>NotImplementedException</c> for <c>null</c> in the list),
/// which would lose the whole answer.
/// </summary>
internal sealed class EngineTimeConverter : JsonConverter<DateTime>
{
    /// <summary>Also called for <c>null</c>, so the list's non-nullable <c>Created</c> can be unknown too.</summary>
    public override bool HandleNull => true;

    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetInt64(out var seconds) && seconds > 0:
                try
                {
                    return UtcTimestamp.FromUnixTimeSeconds(seconds).UtcDateTime;
                }
                catch (ArgumentOutOfRangeException)
                {
                    return default;
                }

            case JsonTokenType.String:
                var text = reader.GetString();
                if (string.IsNullOrEmpty(text))
                {
                    return default;
                }

                try
                {
                    // One parser for engine and registry times: fractions finer than 100 ns are cut off, not rounded.
                    return UtcTimestamp.Parse(text!).UtcDateTime;
                }
                catch (FormatException)
                {
                    return default;
                }

            default:
                // Any other number, or a value of another kind: skip it whole (an object or array too).
                reader.Skip();
                return default;
        }
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        throw new NotSupportedException(EngineMessages.AnswersReadOnly);
}

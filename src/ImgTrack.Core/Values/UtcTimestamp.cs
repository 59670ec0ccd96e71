using System;
using System.Globalization;
using ImgTrack.Text;

namespace ImgTrack;

/// <summary>
/// A point in time in UTC whose text is always ISO 8601 (<c>2022-11-17T01:39:26.0052951Z</c>), whatever the
/// culture. A plain <see cref="DateTime"/> cannot serve inventories: <c>Export-Csv</c> writes it in the
/// current culture's format, so the same image would give different CSV text on a de-DE and an en-US server.
/// It still sorts and compares with <see cref="DateTime"/> (implicit conversions both ways), so
/// <c>$_.Created -lt (Get-Date).AddDays(-90)</c> and <c>Sort-Object Created</c> work as with a date.
/// </summary>
public readonly struct UtcTimestamp : IComparable, IComparable<UtcTimestamp>, IEquatable<UtcTimestamp>, IFormattable
{
    // ISO 8601 in UTC with all seven fraction digits (.NET's round-trip "o" form for UTC). Fixed width on
    // purpose: after remoting or Import-Csv the value is text, and only fixed-width text sorts like the time
    // (a trimmed fraction would put "…:26.5Z" before "…:26Z", since '.' sorts before 'Z').
    private const string IsoFormat = "yyyy-MM-ddTHH:mm:ss.fffffffZ";

    /// <summary>Creates a timestamp; a local time is converted to UTC, an unspecified one is taken as UTC.</summary>
    public UtcTimestamp(DateTime value)
    {
        UtcDateTime = value.Kind switch
        {
            DateTimeKind.Local => value.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
            _ => value,
        };
    }

    /// <summary>Creates a timestamp from an offset time.</summary>
    public UtcTimestamp(DateTimeOffset value) => UtcDateTime = value.UtcDateTime;

    /// <summary>The time as a UTC <see cref="DateTime"/>.</summary>
    public DateTime UtcDateTime { get; }

    /// <summary>The time in the local time zone.</summary>
    public DateTime LocalDateTime => UtcDateTime.ToLocalTime();

    /// <summary>Creates a timestamp from Unix seconds, as the engine's image list reports <c>Created</c>.</summary>
    public static UtcTimestamp FromUnixTimeSeconds(long seconds) => new(DateTimeOffset.FromUnixTimeSeconds(seconds));

    /// <summary>The current time.</summary>
    public static UtcTimestamp Now => new(DateTime.UtcNow);

    /// <summary>
    /// Parses ISO 8601 / RFC 3339 text (the engine's image inspect <c>Created</c>, an image config's <c>created</c>).
    /// Fractions finer than 100 ns (Go writes nanoseconds) are cut off, not rounded, as the engine client reads them, so
    /// one time read from the engine and from the registry is one value.
    /// </summary>
    public static UtcTimestamp Parse(string text) =>
        new(DateTimeOffset.Parse(TruncateFraction(text), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));

    /// <summary>Converts to a UTC <see cref="DateTime"/>.</summary>
    public static implicit operator DateTime(UtcTimestamp value) => value.UtcDateTime;

    /// <summary>Converts from a <see cref="DateTime"/> (local converted, unspecified taken as UTC).</summary>
    public static implicit operator UtcTimestamp(DateTime value) => new(value);

    /// <summary>Converts from a <see cref="DateTimeOffset"/>.</summary>
    public static implicit operator UtcTimestamp(DateTimeOffset value) => new(value);

    /// <summary>Equality.</summary>
    public static bool operator ==(UtcTimestamp left, UtcTimestamp right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(UtcTimestamp left, UtcTimestamp right) => !left.Equals(right);

    /// <summary>Earlier than.</summary>
    public static bool operator <(UtcTimestamp left, UtcTimestamp right) => left.CompareTo(right) < 0;

    /// <summary>Later than.</summary>
    public static bool operator >(UtcTimestamp left, UtcTimestamp right) => left.CompareTo(right) > 0;

    /// <summary>Not later than.</summary>
    public static bool operator <=(UtcTimestamp left, UtcTimestamp right) => left.CompareTo(right) <= 0;

    /// <summary>Not earlier than.</summary>
    public static bool operator >=(UtcTimestamp left, UtcTimestamp right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public int CompareTo(UtcTimestamp other) => UtcDateTime.CompareTo(other.UtcDateTime);

    /// <summary>Compares with another timestamp, a <see cref="DateTime"/> or a <see cref="DateTimeOffset"/>.</summary>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        UtcTimestamp other => CompareTo(other),
        DateTime other => CompareTo(new UtcTimestamp(other)),
        DateTimeOffset other => CompareTo(new UtcTimestamp(other)),
        _ => throw new ArgumentException(MessageText.Format(CoreMessages.TimestampNotComparable, obj.GetType().FullName), nameof(obj)),
    };

    /// <inheritdoc />
    public bool Equals(UtcTimestamp other) => UtcDateTime.Ticks == other.UtcDateTime.Ticks;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj switch
    {
        UtcTimestamp other => Equals(other),
        DateTime other => Equals(new UtcTimestamp(other)),
        DateTimeOffset other => Equals(new UtcTimestamp(other)),
        _ => false,
    };

    /// <inheritdoc />
    public override int GetHashCode() => UtcDateTime.Ticks.GetHashCode();

    /// <summary>ISO 8601 in UTC with seven fraction digits, e.g. <c>2022-11-17T01:39:26.0052951Z</c>, in every culture.</summary>
    public override string ToString() => UtcDateTime.ToString(IsoFormat, CultureInfo.InvariantCulture);

    /// <summary>Formats the UTC time with a <see cref="DateTime"/> format string; ISO 8601 when none is given.</summary>
    public string ToString(string? format, IFormatProvider? formatProvider) =>
        string.IsNullOrEmpty(format) ? ToString() : UtcDateTime.ToString(format, formatProvider);

    // "…:16.763376449Z" → "…:16.7633764Z": at most seven fraction digits (DateTime's 100 ns resolution).
    private static string TruncateFraction(string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        var dot = text.IndexOf('.');
        if (dot < 0)
        {
            return text;
        }

        var end = dot + 1;
        while (end < text.Length && text[end] >= '0' && text[end] <= '9')
        {
            end++;
        }

        return end - dot - 1 <= 7 ? text : text.Substring(0, dot + 8) + text.Substring(end);
    }
}

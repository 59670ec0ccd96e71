using Xunit;

namespace ImgTrack.Core.Tests.Values;

/// <summary>RFC 3339 text as engines and image configs write it, read to one value whichever source gave it.</summary>
public sealed class UtcTimestampTests
{
    [Theory]
    [InlineData("2022-11-17T01:39:26.005295155Z", "2022-11-17T01:39:26.0052951Z")]
    [InlineData("2026-12-01T15:10:16.763376499Z", "2026-12-01T15:10:16.7633764Z")]
    [InlineData("2026-12-01T15:10:16.7633769Z", "2026-12-01T15:10:16.7633769Z")]
    [InlineData("2026-12-01T15:10:16.5Z", "2026-12-01T15:10:16.5000000Z")]
    [InlineData("2026-12-01T15:10:16Z", "2026-12-01T15:10:16.0000000Z")]
    [InlineData("2026-12-01T17:10:16.123456789+02:00", "2026-12-01T15:10:16.1234567Z")]
    public void Nanoseconds_are_cut_to_100_ns_as_the_engine_client_reads_them(string text, string expected)
    {
        Assert.Equal(expected, UtcTimestamp.Parse(text).ToString());
    }
}
